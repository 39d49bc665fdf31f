/** Trakt request bodies for one item (scrobble) or a few (history, ratings), from MediaRefs. */
import type { ExternalIds, MediaRef } from '../ledger/item-key.js';

function ids(x: ExternalIds | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!x) return out;
  if (x.trakt) out.trakt = x.trakt;
  if (x.imdb) out.imdb = x.imdb;
  if (x.tmdb) out.tmdb = x.tmdb;
  if (x.tvdb) out.tvdb = x.tvdb;
  return out;
}

const byOwnIds = (r: MediaRef) => Object.keys(ids(r.ids)).length > 0;

/** `{movie}` / `{episode}` / `{show, episode:{season, number}}` plus progress. */
export function scrobbleBody(ref: MediaRef, progress: number): Record<string, unknown> {
  if (ref.type === 'movie') return { movie: { ids: ids(ref.ids) }, progress };
  if (byOwnIds(ref)) return { episode: { ids: ids(ref.ids) }, progress };
  return { show: { ids: ids(ref.show) }, episode: { season: ref.season, number: ref.number }, progress };
}

/** A `/sync/history` or `/sync/ratings` body; `extra` goes on each item (watched_at, rating). */
export function bulkBody(refs: MediaRef[], extra: Record<string, unknown>): Record<string, unknown[]> {
  const movies: unknown[] = [];
  const episodes: unknown[] = [];
  const shows = new Map<string, { ids: Record<string, string | number>; seasons: Map<number, unknown[]> }>();
  for (const r of refs) {
    if (r.type === 'movie') movies.push({ ids: ids(r.ids), ...extra });
    else if (byOwnIds(r)) episodes.push({ ids: ids(r.ids), ...extra });
    else {
      const key = JSON.stringify(ids(r.show));
      const show = shows.get(key) ?? { ids: ids(r.show), seasons: new Map() };
      shows.set(key, show);
      const list = show.seasons.get(r.season!) ?? [];
      list.push({ number: r.number, ...extra });
      show.seasons.set(r.season!, list);
    }
  }
  const body: Record<string, unknown[]> = {};
  if (movies.length) body.movies = movies;
  if (episodes.length) body.episodes = episodes;
  if (shows.size) body.shows = [...shows.values()].map((s) => ({ ids: s.ids, seasons: [...s.seasons].map(([number, eps]) => ({ number, episodes: eps })) }));
  return body;
}

/** Whether Trakt's bulk answer lists this ref under not_found. */
export function inNotFound(answer: unknown, ref: MediaRef): boolean {
  const nf = (answer as { not_found?: Record<string, Array<{ ids?: Record<string, unknown> }>> } | null)?.not_found;
  if (!nf) return false;
  const same = (a: Record<string, unknown> | undefined, b: Record<string, string | number>) =>
    !!a && Object.entries(b).some(([k, v]) => a[k] === v);
  if (ref.type === 'movie') return (nf.movies ?? []).some((m) => same(m.ids, ids(ref.ids)));
  if (byOwnIds(ref)) return (nf.episodes ?? []).some((e) => same(e.ids, ids(ref.ids)));
  return (nf.shows ?? []).some((s) => same(s.ids, ids(ref.show)));
}
