/**
 * Bulk bodies for /sync/history and /sync/ratings from plan items, and reading Trakt's
 * `not_found` back onto the items. Trakt echoes unknown objects as they were sent, so
 * each sent object is remembered by its JSON text.
 */
import type { PlanItem } from './plan.js';

type Obj = Record<string, unknown>;

export interface BulkBody {
  movies?: Obj[];
  shows?: Obj[];
  episodes?: Obj[];
}

export type Payload = (item: PlanItem) => Obj;

export const historyPayload: Payload = (i) => ({ watched_at: i.watchedAt ? new Date(i.watchedAt).toISOString() : 'unknown' });
export const ratingPayload: Payload = (i) => ({ rating: i.rating });
/** /sync/history/remove by ids: no watched_at, so every play of the item goes. */
export const removePayload: Payload = () => ({});

const hasIds = (ids: Obj | undefined) => !!ids && Object.keys(ids).length > 0;

/** The single-item body (what the ledger stores as `request`, and what the crash probe reads). */
export function itemBody(i: PlanItem, payload: Payload): BulkBody {
  if (i.kind === 'movie') return { movies: [{ ids: i.ids, ...payload(i) }] };
  if (i.kind === 'show') return { shows: [{ ids: i.ids, ...payload(i) }] };
  if (hasIds(i.ids as Obj)) return { episodes: [{ ids: i.ids, ...payload(i) }] };
  return { shows: [{ ids: i.show, seasons: [{ number: i.traktSeason ?? i.season, episodes: [{ number: i.traktNumber ?? i.number, ...payload(i) }] }] }] };
}

/** One request body for many items, and a lookup from each sent object (JSON) to its items. */
export function batchBody(items: PlanItem[], payload: Payload): { body: BulkBody; sent: Map<string, number[]> } {
  const body: Required<BulkBody> = { movies: [], shows: [], episodes: [] };
  const sent = new Map<string, number[]>();
  const remember = (o: Obj, idx: number[]) => {
    const k = JSON.stringify(o);
    sent.set(k, [...(sent.get(k) ?? []), ...idx]);
  };
  const showsByKey = new Map<string, { obj: Obj; seasons: Map<number, { obj: Obj; idx: number[] }>; idx: number[] }>();
  items.forEach((i, n) => {
    if (i.kind === 'movie') body.movies.push({ ids: i.ids, ...payload(i) });
    else if (i.kind === 'show') body.shows.push({ ids: i.ids, ...payload(i) });
    else if (hasIds(i.ids as Obj)) body.episodes.push({ ids: i.ids, ...payload(i) });
    else {
      const key = JSON.stringify(i.show);
      let s = showsByKey.get(key);
      if (!s) showsByKey.set(key, (s = { obj: { ids: i.show, seasons: [] }, seasons: new Map(), idx: [] }));
      const number = (i.traktSeason ?? i.season) as number;
      let season = s.seasons.get(number);
      if (!season) {
        season = { obj: { number, episodes: [] }, idx: [] };
        s.seasons.set(number, season);
        (s.obj.seasons as Obj[]).push(season.obj);
      }
      const ep = { number: i.traktNumber ?? i.number, ...payload(i) };
      (season.obj.episodes as Obj[]).push(ep);
      season.idx.push(n);
      s.idx.push(n);
      remember(ep, [n]);
      return;
    }
    const list = i.kind === 'movie' ? body.movies : i.kind === 'show' ? body.shows : body.episodes;
    remember(list[list.length - 1]!, [n]);
  });
  for (const s of showsByKey.values()) {
    body.shows.push(s.obj);
    for (const season of s.seasons.values()) remember(season.obj, season.idx);
    remember(s.obj, s.idx);
  }
  const out: BulkBody = {};
  if (body.movies.length) out.movies = body.movies;
  if (body.shows.length) out.shows = body.shows;
  if (body.episodes.length) out.episodes = body.episodes;
  return { body: out, sent };
}

/** Indexes (into the batch) of the items Trakt listed in `not_found`. */
export function notFoundIndexes(answer: unknown, sent: Map<string, number[]>): Set<number> {
  const out = new Set<number>();
  const nf = (answer as { not_found?: Record<string, unknown> } | null)?.not_found;
  if (!nf || typeof nf !== 'object') return out;
  for (const key of ['movies', 'shows', 'seasons', 'episodes']) {
    const list = nf[key];
    if (!Array.isArray(list)) continue;
    for (const o of list) for (const n of sent.get(JSON.stringify(o)) ?? []) out.add(n);
  }
  return out;
}
