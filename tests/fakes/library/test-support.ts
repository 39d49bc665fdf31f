/** Helpers for the generator's own tests: every id of a library, by kind, for uniqueness checks. */
import type { ExternalIds, Library } from './model.js';

export interface IdLists {
  imdb: string[];
  tmdb: number[];
  tvdb: number[];
  trakt: number[];
  posters: string[];
  keys: string[];
}

export function allIds(lib: Library): IdLists {
  const out: IdLists = { imdb: [], tmdb: [], tvdb: [], trakt: [], posters: [], keys: [] };
  const add = (ids: ExternalIds, traktId: number | null, key: string) => {
    if (ids.imdb) out.imdb.push(ids.imdb);
    if (ids.tmdb !== undefined) out.tmdb.push(ids.tmdb);
    if (ids.tvdb !== undefined) out.tvdb.push(ids.tvdb);
    if (traktId !== null) out.trakt.push(traktId);
    out.keys.push(key);
  };
  for (const m of lib.movies) {
    add(m.ids, m.traktId, m.key);
    if (m.tmdbPosterPath) out.posters.push(m.tmdbPosterPath);
  }
  for (const s of lib.shows) {
    add(s.ids, s.traktId, s.key);
    if (s.tmdbPosterPath) out.posters.push(s.tmdbPosterPath);
    for (const e of s.episodes) add(e.ids, e.traktId, e.key);
  }
  return out;
}

/** The values that occur more than once (empty when all are unique). */
export function duplicates<T>(values: T[]): T[] {
  const seen = new Set<T>();
  const dup = new Set<T>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}
