/**
 * External ids from a Plex item's `guid` and `Guid[]`, for every agent Plex libraries use
 * (API.md B.4). Pure: the webhook worker and the sync read the same answer for the same
 * item. Modern agents (`plex://…`) carry ids only in `Guid[]`, and an episode's ids there
 * are its own; legacy agents put one id (or a show id plus numbering) in the guid itself.
 */
import type { ExternalIds } from '../ledger/item-key.js';
import type { PlexGuidTag } from './types.js';

export interface GuidParse {
  /** The item's own ids (a movie's, a show's, or an episode's own from `Guid[]`). */
  ids: ExternalIds;
  /** Legacy episode guids name the show and the numbering instead: `thetvdb://<show>/<season>/<episode>`. */
  showIds?: ExternalIds;
  season?: number;
  episode?: number;
  /** The agent the guid came from, normalised (`plex`, `imdb`, `tmdb`, `tvdb`, `hama`, `local`, …). */
  agent: string;
  /** Set when no usable id was found: what is wrong and what to do next, for the user. */
  unmatchedReason?: string;
}

export const UNMATCHED = {
  missing: 'Plex sent no guid for this item. Refresh its metadata in Plex.',
  noIds: 'Plex has no IMDb, TMDB or TVDB id for this item. Refresh its metadata in Plex, or use "Fix Match…".',
  local: 'Plex has no online match for this item (local files only). Use "Fix Match…" in Plex to pick the right title.',
  none: 'The library uses the "Personal Media" agent, which gives no IMDb, TMDB or TVDB id. Switch the library to a Plex agent, or use "Fix Match…" in Plex.',
  anidb: 'HAMA matched this to AniDB only, and Trakt does not know AniDB ids. Use "Fix Match…" in Plex to pick a TVDB match.',
  xbmcnfo: 'The XBMCnfo agent gave an id that could be TMDB or TVDB. Put an IMDb id in the .nfo file, or switch the library to a Plex agent.',
  unknown: (agent: string) => `The "${agent}" agent gives no id Trakt knows. Switch the library to a Plex agent, or use "Fix Match…" in Plex.`,
} as const;

type Provider = 'imdb' | 'tmdb' | 'tvdb';

/** Agent names as they appear after `com.plexapp.agents.` / `tv.plex.agents.` or alone. */
const PROVIDERS: Record<string, Provider> = { imdb: 'imdb', themoviedb: 'tmdb', tmdb: 'tmdb', thetvdb: 'tvdb', tvdb: 'tvdb' };
const LOCAL_AGENTS = new Set(['local', 'none']);

const positiveInt = (s: string): number | undefined => (/^\d{1,10}$/.test(s) && Number(s) > 0 ? Number(s) : undefined);

/** Sets one id if the value is valid for its provider; the first valid one wins. */
function addId(ids: ExternalIds, provider: Provider, value: string): boolean {
  if (provider === 'imdb') {
    if (!/^tt\d{5,10}$/.test(value)) return false;
    ids.imdb ??= value;
    return true;
  }
  const n = positiveInt(value);
  if (n === undefined) return false;
  ids[provider] ??= n;
  return true;
}

const hasAny = (ids: ExternalIds): boolean => !!(ids.imdb || ids.tmdb || ids.tvdb);

/** `imdb://tt…`, `tmdb://123`, `tvdb://456` entries of `Guid[]` (strings or `{id}` tags). */
function idsFromList(list: ReadonlyArray<PlexGuidTag | string> | undefined): ExternalIds {
  const ids: ExternalIds = {};
  for (const entry of list ?? []) {
    const raw = typeof entry === 'string' ? entry : entry?.id;
    const m = typeof raw === 'string' ? /^(\w+):\/\/([^?/]+)/.exec(raw.trim()) : null;
    const provider = m ? PROVIDERS[m[1]!.toLowerCase()] : undefined;
    if (provider) addId(ids, provider, m![2]!);
  }
  return ids;
}

interface PrimaryParse {
  agent: string;
  ids: ExternalIds;
  showIds?: ExternalIds;
  season?: number;
  episode?: number;
  reason?: string;
}

/** An id path `<id>` or `<showId>/<season>/<episode>` under one provider. */
function idPath(agent: string, provider: Provider, path: string): PrimaryParse {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length >= 3) {
    const season = /^\d+$/.test(parts[1]!) ? Number(parts[1]) : undefined;
    const episode = /^\d+$/.test(parts[2]!) ? Number(parts[2]) : undefined;
    const showIds: ExternalIds = {};
    if (season !== undefined && episode !== undefined && addId(showIds, provider, parts[0]!)) {
      return { agent, ids: {}, showIds, season, episode };
    }
    return { agent, ids: {}, reason: UNMATCHED.noIds };
  }
  const ids: ExternalIds = {};
  if (parts.length >= 1 && addId(ids, provider, parts[0]!)) return { agent, ids };
  return { agent, ids, reason: UNMATCHED.noIds };
}

/** Reads the primary `guid` alone. */
function parsePrimary(guid: string | undefined): PrimaryParse {
  const g = guid?.trim();
  if (!g) return { agent: 'missing', ids: {}, reason: UNMATCHED.missing };
  if (/^tt\d{5,10}$/.test(g)) return { agent: 'imdb', ids: { imdb: g } };
  const m = /^([\w.-]+):\/\/([^?#]*)/.exec(g);
  if (!m) return { agent: 'unknown', ids: {}, reason: UNMATCHED.noIds };
  const scheme = m[1]!.toLowerCase();
  const path = m[2]!;
  if (scheme === 'plex') return { agent: 'plex', ids: {} }; // ids live in Guid[]
  if (scheme === 'local') return { agent: 'local', ids: {}, reason: UNMATCHED.local };
  const agent = scheme.replace(/^com\.plexapp\.agents\./, '').replace(/^tv\.plex\.agents\./, '');
  if (LOCAL_AGENTS.has(agent)) return { agent, ids: {}, reason: agent === 'none' ? UNMATCHED.none : UNMATCHED.local };
  const provider = PROVIDERS[agent];
  if (provider) return idPath(provider, provider, path);
  if (agent === 'hama') {
    // hama://tvdb-81189/1/5 (tvdb2-…tvdb5- are HAMA's numbering modes of the same id); anidb- has no id Trakt knows.
    const h = /^(tvdb[2-5]?|anidb[2-4]?)-(\d+)(.*)$/.exec(path);
    if (!h || h[1]!.startsWith('anidb')) return { agent: 'hama', ids: {}, reason: UNMATCHED.anidb };
    return idPath('hama', 'tvdb', h[2]! + h[3]!);
  }
  if (agent === 'xbmcnfo' || agent === 'xbmcnfotv') {
    // The .nfo id is IMDb when it looks like one; a bare number could be TMDB or TVDB.
    const first = path.split('/')[0] ?? '';
    if (/^tt\d{5,10}$/.test(first)) return idPath(agent, 'imdb', path);
    return { agent, ids: {}, reason: UNMATCHED.xbmcnfo };
  }
  return { agent, ids: {}, reason: UNMATCHED.unknown(agent) };
}

/**
 * The ids of one Plex item. `Guid[]` (modern agents, or `includeGuids=1`) gives the item's
 * own ids and wins; the primary guid fills what is missing and, for legacy episodes, the
 * show's ids plus season and episode numbers.
 */
export function parsePlexGuids(item: { guid?: string | null; Guid?: ReadonlyArray<PlexGuidTag | string> | null }): GuidParse {
  const fromList = idsFromList(item.Guid ?? undefined);
  const primary = parsePrimary(item.guid ?? undefined);
  const ids: ExternalIds = { ...primary.ids, ...definedOnly(fromList) };
  const out: GuidParse = { ids, agent: primary.agent };
  if (primary.showIds) {
    out.showIds = primary.showIds;
    out.season = primary.season;
    out.episode = primary.episode;
  }
  if (!hasAny(ids) && !(out.showIds && hasAny(out.showIds))) {
    out.unmatchedReason = primary.reason ?? UNMATCHED.noIds;
  }
  return out;
}

function definedOnly(ids: ExternalIds): ExternalIds {
  return Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined && v !== null)) as ExternalIds;
}
