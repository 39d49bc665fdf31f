/**
 * Matching a Plex library item to its Trakt identity, by ids only (never a title).
 * Pure: the mirror calls it for every item and stores the answer; anything that cannot
 * be matched keeps a reason written for the user (shown on the Unmatched page).
 */
import { idsHash, itemKey, type ExternalIds, type MediaRef } from '../ledger/item-key.js';
import type { PlexMeta } from './ports.js';

export interface MatchResult {
  type: 'movie' | 'show' | 'episode';
  ids: ExternalIds;
  /** Episodes: the show's ids and the episode's numbering (Plex's). */
  show?: ExternalIds;
  season?: number;
  number?: number;
  itemKey?: string;
  idsHash?: string;
  /** Set when unmatched: what is wrong and what to do next. */
  reason?: string;
}

const PROVIDERS: Record<string, 'imdb' | 'tmdb' | 'tvdb'> = { imdb: 'imdb', themoviedb: 'tmdb', tmdb: 'tmdb', thetvdb: 'tvdb', tvdb: 'tvdb' };

export const REASONS = {
  local: 'Plex has no online match for this item (local files only). Use "Fix Match…" in Plex to pick the right title.',
  none: 'The library uses the "Personal Media" agent, which gives no IMDb, TMDB or TVDB id. Switch the library to a Plex agent, or use "Fix Match…" in Plex.',
  anidb: 'HAMA matched this to AniDB only, and Trakt does not know AniDB ids. Use "Fix Match…" in Plex to pick a TVDB match.',
  noIds: 'Plex has no IMDb, TMDB or TVDB id for this item. Refresh its metadata in Plex, or use "Fix Match…".',
  unknownAgent: (agent: string) => `The "${agent}" agent gives no id Trakt knows. Switch the library to a Plex agent, or use "Fix Match…" in Plex.`,
  noShowIds: 'Neither this episode nor its show has an IMDb, TMDB or TVDB id. Refresh the show\'s metadata in Plex, or use "Fix Match…" on the show.',
  noNumbering: 'This episode has ids only through its show, but Plex gives no season or episode number. Refresh its metadata in Plex.',
  miniSeries: 'This item is in a movie library but Plex only has a TVDB (series) id for it: Trakt lists it as a show. Move it to a TV library, or use "Fix Match…" in Plex.',
  notFound: 'Trakt did not know these ids. If the match is wrong, use "Fix Match…" in Plex; otherwise Trakt is asked again after a day, or by a full sync.',
} as const;

function addId(ids: ExternalIds, provider: string | undefined, value: string): void {
  if (provider === 'imdb' && /^tt\d+$/.test(value)) ids.imdb ??= value;
  else if (provider === 'tmdb' && /^\d+$/.test(value)) ids.tmdb ??= Number(value);
  else if (provider === 'tvdb' && /^\d+$/.test(value)) ids.tvdb ??= Number(value);
}

const hasIds = (ids: ExternalIds | undefined) => !!ids && (!!ids.imdb || !!ids.tmdb || !!ids.tvdb);

interface ParsedGuid {
  agent: string;
  ids: ExternalIds;
  /** Legacy episode guids name the show and the numbering: `thetvdb://<show>/<season>/<episode>`. */
  show?: ExternalIds;
  season?: number;
  number?: number;
}

/** Reads the primary `guid` (modern `plex://`, legacy agents, hama, local, none, bare `tt…`). */
export function parsePrimaryGuid(guid: string | undefined): ParsedGuid {
  if (!guid) return { agent: 'missing', ids: {} };
  if (/^tt\d+$/.test(guid)) return { agent: 'imdb', ids: { imdb: guid } };
  const m = /^(?:com\.plexapp\.agents\.|tv\.plex\.agents\.)?([\w.]+):\/\/([^?]*)/.exec(guid);
  if (!m) return { agent: 'unknown', ids: {} };
  let agent = m[1]!;
  let path = m[2]!;
  let provider = PROVIDERS[agent];
  if (agent === 'hama') {
    const h = /^(tvdb[2-5]?|anidb[2-4]?)-(\d+)(.*)$/.exec(path);
    if (!h || h[1]!.startsWith('anidb')) return { agent: 'anidb', ids: {} };
    agent = 'hama';
    provider = 'tvdb';
    path = h[2]! + h[3]!;
  }
  if (!provider) return { agent, ids: {} };
  const parts = path.split('/');
  if (parts.length >= 3 && /^\d+$/.test(parts[1]!) && /^\d+$/.test(parts[2]!)) {
    const show: ExternalIds = {};
    addId(show, provider, parts[0]!);
    return { agent, ids: {}, show, season: Number(parts[1]), number: Number(parts[2]) };
  }
  const ids: ExternalIds = {};
  addId(ids, provider, parts[0]!);
  return { agent, ids };
}

/** Ids from the modern `Guid[]` list (`imdb://tt…`, `tmdb://…`, `tvdb://…`). */
export function parseGuidList(list: PlexMeta['Guid']): ExternalIds {
  const ids: ExternalIds = {};
  for (const g of list ?? []) {
    const m = /^(\w+):\/\/(.+)$/.exec(g.id);
    if (m) addId(ids, PROVIDERS[m[1]!], m[2]!);
  }
  return ids;
}

function reasonForAgent(agent: string): string {
  if (agent === 'local') return REASONS.local;
  if (agent === 'none') return REASONS.none;
  if (agent === 'anidb') return REASONS.anidb;
  if (agent === 'plex' || agent === 'missing' || agent === 'imdb' || agent === 'hama' || PROVIDERS[agent]) return REASONS.noIds;
  return REASONS.unknownAgent(agent);
}

/** The ids an item carries: Guid[] first, then what the primary guid names. */
export function itemIds(meta: Pick<PlexMeta, 'guid' | 'Guid'>): ParsedGuid {
  const primary = parsePrimaryGuid(meta.guid);
  const ids = { ...primary.ids, ...dropEmpty(parseGuidList(meta.Guid)) };
  return { ...primary, ids };
}

function dropEmpty(ids: ExternalIds): ExternalIds {
  const out: ExternalIds = {};
  if (ids.imdb) out.imdb = ids.imdb;
  if (ids.tmdb) out.tmdb = ids.tmdb;
  if (ids.tvdb) out.tvdb = ids.tvdb;
  return out;
}

function finish(result: MatchResult, ref: MediaRef): MatchResult {
  const key = itemKey(ref);
  if (!key) return { ...result, reason: result.reason ?? REASONS.noIds };
  return { ...result, itemKey: key, idsHash: idsHash(ref) };
}

/**
 * Matches one Plex item. `showIds` are the ids of an episode's show (from the show's own
 * row in the mirror); `sectionType` tells a mini-series in a movie library apart.
 */
export function matchPlexItem(meta: PlexMeta, showIds?: ExternalIds | null, sectionType: 'movie' | 'show' = meta.type === 'movie' ? 'movie' : 'show'): MatchResult {
  const parsed = itemIds(meta);
  if (meta.type === 'movie') {
    const ids = parsed.ids;
    if (!hasIds(ids)) return { type: 'movie', ids, reason: reasonForAgent(parsed.agent) };
    // A tvdb-only "movie" is a series that landed in a movie library: sent as a movie, Trakt would not find it.
    if (!ids.imdb && !ids.tmdb && ids.tvdb) return { type: 'movie', ids, reason: REASONS.miniSeries };
    return finish({ type: 'movie', ids }, { type: 'movie', ids });
  }
  if (meta.type === 'show') {
    const ids = parsed.ids;
    if (!hasIds(ids)) return { type: 'show', ids, reason: reasonForAgent(parsed.agent) };
    // Shows are not written as plays; their key serves ratings.
    const first = ids.tvdb ? `tvdb:${ids.tvdb}` : ids.tmdb ? `tmdb:${ids.tmdb}` : `imdb:${ids.imdb}`;
    return { type: 'show', ids, itemKey: `show:${first}`, idsHash: idsHash({ type: 'movie', ids }) };
  }
  if (meta.type !== 'episode') return { type: 'movie', ids: {}, reason: `Plex item type "${meta.type}" is not synced.` };
  void sectionType;
  const own = parsed.show ? {} : parsed.ids;
  const show = parsed.show ?? (showIds ? dropEmpty(showIds) : {});
  const season = parsed.season ?? meta.parentIndex;
  const number = parsed.number ?? meta.index;
  const result: MatchResult = { type: 'episode', ids: own, show, season, number };
  if (hasIds(own)) return finish(result, { type: 'episode', ids: own, show, season, number });
  if (!hasIds(show)) {
    const agentReason = reasonForAgent(parsed.agent);
    return { ...result, reason: parsed.agent === 'plex' || parsed.agent === 'missing' ? REASONS.noShowIds : agentReason };
  }
  if (season === undefined || number === undefined) return { ...result, reason: REASONS.noNumbering };
  return finish(result, { type: 'episode', ids: {}, show, season, number });
}
