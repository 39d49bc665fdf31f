/**
 * The ledger's crash probe for webhook writes: did a play of this row's item reach Trakt
 * around its time? Reads `/sync/history/{movies|episodes}` in that window (a few pages at
 * most) and compares ids with what the row says was sent.
 */
import type { LedgerRow } from '../db/tables/ledger.js';
import type { HistoryProbe } from '../ledger/settle-intents.js';
import type { TraktAnswer } from './ports.js';

type Ids = Record<string, unknown>;
interface Wanted {
  type: 'movie' | 'episode';
  ids?: Ids;
  show?: Ids;
  season?: number;
  number?: number;
}

const overlap = (a: Ids | undefined, b: Ids | undefined) =>
  !!a && !!b && ['trakt', 'imdb', 'tmdb', 'tvdb'].some((k) => a[k] != null && a[k] === b[k]);

/** What the row's stored request body names (scrobble or bulk shape). */
export function wantedFromRequest(row: Pick<LedgerRow, 'request' | 'media_type'>): Wanted | undefined {
  if (!row.request) return undefined;
  const r = JSON.parse(row.request) as Record<string, any>;
  if (r.movie) return { type: 'movie', ids: r.movie.ids };
  if (r.movies?.[0]) return { type: 'movie', ids: r.movies[0].ids };
  if (r.show && r.episode) return { type: 'episode', show: r.show.ids, season: r.episode.season, number: r.episode.number };
  if (r.episode) return { type: 'episode', ids: r.episode.ids };
  if (r.episodes?.[0]) return { type: 'episode', ids: r.episodes[0].ids };
  const s = r.shows?.[0];
  if (s?.seasons?.[0]?.episodes?.[0]) return { type: 'episode', show: s.ids, season: s.seasons[0].number, number: s.seasons[0].episodes[0].number };
  return undefined;
}

function matches(item: Record<string, any>, w: Wanted): boolean {
  if (w.type === 'movie') return overlap(item.movie?.ids, w.ids);
  if (w.ids && Object.keys(w.ids).length) return overlap(item.episode?.ids, w.ids);
  return overlap(item.show?.ids, w.show) && item.episode?.season === w.season && item.episode?.number === w.number;
}

const MAX_PAGES = 5;

export function historyProbe(get: (path: string) => Promise<TraktAnswer>): HistoryProbe {
  return async (row, windowMs) => {
    const w = wantedFromRequest(row);
    if (!w) return { found: false };
    const at = row.watched_at ?? row.created_at;
    const range = `start_at=${new Date(at - windowMs).toISOString()}&end_at=${new Date(at + windowMs).toISOString()}`;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await get(`/sync/history/${w.type}s?${range}&page=${page}&limit=100`);
      if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`Trakt answered ${res.status} to a history check`);
      const hit = (res.body as Array<Record<string, any>>).find((item) => matches(item, w));
      if (hit) return { found: true, historyId: typeof hit.id === 'number' ? hit.id : undefined };
      if (res.body.length < 100) break;
    }
    return { found: false };
  };
}
