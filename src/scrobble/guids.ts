/**
 * External ids from a Plex item's `guid` and `Guid[]`, for the worker. A narrow adapter:
 * engineer B's src/plex/guid.ts is the project's parser; this one covers what webhooks
 * carry (modern Guid[], legacy imdb/themoviedb/thetvdb/hama agents) until it lands.
 */
import type { ExternalIds } from '../ledger/item-key.js';

export interface ParsedGuids {
  /** The item's own ids (a movie's, or an episode's from Guid[]). */
  ids: ExternalIds;
  /** A legacy episode guid names its show and numbering instead. */
  show?: ExternalIds;
  season?: number;
  episode?: number;
}

function addId(ids: ExternalIds, provider: string, value: string): void {
  if (provider === 'imdb' && /^tt\d+$/.test(value)) ids.imdb ??= value;
  else if (provider === 'tmdb' && /^\d+$/.test(value)) ids.tmdb ??= Number(value);
  else if (provider === 'tvdb' && /^\d+$/.test(value)) ids.tvdb ??= Number(value);
}

const PROVIDERS: Record<string, string> = { imdb: 'imdb', themoviedb: 'tmdb', tmdb: 'tmdb', thetvdb: 'tvdb', tvdb: 'tvdb' };

export function parseGuids(guid: string | undefined, list: string[] | undefined): ParsedGuids {
  const out: ParsedGuids = { ids: {} };
  for (const g of list ?? []) {
    const m = /^(\w+):\/\/(.+)$/.exec(g);
    if (m) addId(out.ids, PROVIDERS[m[1]!] ?? m[1]!, m[2]!);
  }
  if (!guid) return out;
  if (/^tt\d+$/.test(guid)) {
    out.ids.imdb ??= guid;
    return out;
  }
  const m = /^(?:com\.plexapp\.agents\.|tv\.plex\.agents\.)?([\w.]+):\/\/([^?]+)/.exec(guid);
  if (!m) return out;
  const agent = m[1]!;
  let path = m[2]!;
  let provider = PROVIDERS[agent];
  if (agent === 'hama') {
    // hama://tvdb-81189/1/5 (also tvdb2-…tvdb5-); anidb- carries no usable id.
    const h = /^tvdb[2-5]?-(\d+)(.*)$/.exec(path);
    if (!h) return out;
    provider = 'tvdb';
    path = h[1]! + h[2]!;
  }
  if (!provider) return out; // plex://, local://, none://: no external id in the guid
  const parts = path.split('/');
  if (parts.length >= 3 && /^\d+$/.test(parts[1]!) && /^\d+$/.test(parts[2]!)) {
    out.show = {};
    addId(out.show, provider, parts[0]!);
    out.season = Number(parts[1]);
    out.episode = Number(parts[2]);
  } else if (parts.length === 1) {
    addId(out.ids, provider, parts[0]!);
  }
  return out;
}
