/**
 * Reading Trakt's history to learn whether plays we may have sent are there: after a write
 * whose answer was lost, and for rows a crash left in `intent` (one mechanism for both).
 * Rows are grouped by type and by time, and each group is read as one `start_at`/`end_at`
 * range of `/sync/history/{movies|episodes}` (250 plays a page), so a batch of 250 plays sent
 * together costs a GET or two, not one per item.
 */
import type { LedgerRow } from '../db/tables/ledger.js';

export interface PlayCheck {
  found: boolean;
  historyId?: number;
}

/** Which of `rows` have a play on Trakt within ±windowMs of their time. Throws when Trakt cannot be read. */
export type HistoryProbe = (rows: LedgerRow[], windowMs: number) => Promise<Map<number, PlayCheck>>;

export interface HistoryGetAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string> | Headers;
}

type Ids = Record<string, unknown>;
/** The item a ledger row's stored request names (the undo finds plays by it too). */
export interface Wanted {
  type: 'movie' | 'episode';
  ids?: Ids;
  show?: Ids;
  season?: number;
  number?: number;
}

const overlap = (a: Ids | undefined, b: Ids | undefined) => !!a && !!b && ['trakt', 'imdb', 'tmdb', 'tvdb'].some((k) => a[k] != null && a[k] === b[k]);

/** What the row's stored request body names (scrobble or bulk shape). */
export function wantedFromRequest(row: Pick<LedgerRow, 'request'>): Wanted | undefined {
  if (!row.request) return undefined;
  let r: Record<string, any>;
  try {
    r = JSON.parse(row.request) as Record<string, any>;
  } catch {
    return undefined;
  }
  if (r.movie) return { type: 'movie', ids: r.movie.ids };
  if (r.movies?.[0]) return { type: 'movie', ids: r.movies[0].ids };
  if (r.show && r.episode) return { type: 'episode', show: r.show.ids, season: r.episode.season, number: r.episode.number };
  if (r.episode) return { type: 'episode', ids: r.episode.ids };
  if (r.episodes?.[0]) return { type: 'episode', ids: r.episodes[0].ids };
  const s = r.shows?.[0];
  if (s?.seasons?.[0]?.episodes?.[0]) return { type: 'episode', show: s.ids, season: s.seasons[0].number, number: s.seasons[0].episodes[0].number };
  return undefined;
}

/** Whether a play from Trakt's history is of the wanted item. */
export function matches(item: Record<string, any>, w: Wanted): boolean {
  if (w.type === 'movie') return overlap(item.movie?.ids, w.ids);
  if (w.ids && Object.keys(w.ids).length) return overlap(item.episode?.ids, w.ids);
  return overlap(item.show?.ids, w.show) && item.episode?.season === w.season && item.episode?.number === w.number;
}

/** The instant a row's play would carry on Trakt: its watched_at, or for a scrobble when it was sent. */
export function playInstant(row: Pick<LedgerRow, 'action' | 'watched_at' | 'created_at'>): number {
  return row.action === 'scrobble.stop' ? row.created_at : (row.watched_at ?? row.created_at);
}

/** Plays further apart than this are read as separate ranges (what lies between is not worth reading). */
const JOIN_GAP_MS = 6 * 3600 * 1000;
const PAGE_LIMIT = 250;
/** Pages of one range at the most (a range this full is read to its end by a later settle). */
const MAX_PAGES = 40;

function header(h: HistoryGetAnswer['headers'], name: string): string | undefined {
  if (!h) return undefined;
  if (h instanceof Headers) return h.get(name) ?? undefined;
  return h[name] ?? h[name.toLowerCase()];
}

interface Pending {
  row: LedgerRow;
  wanted: Wanted;
  at: number;
}

export function historyReader(get: (pathWithQuery: string) => Promise<HistoryGetAnswer>): HistoryProbe {
  return async (rows, windowMs) => {
    const out = new Map<number, PlayCheck>();
    const byType = new Map<'movie' | 'episode', Pending[]>();
    for (const row of rows) {
      const wanted = wantedFromRequest(row);
      if (!wanted) {
        out.set(row.id, { found: false });
        continue;
      }
      const list = byType.get(wanted.type) ?? [];
      list.push({ row, wanted, at: playInstant(row) });
      byType.set(wanted.type, list);
    }
    for (const [type, pending] of byType) {
      pending.sort((a, b) => a.at - b.at);
      // Ranges: consecutive plays closer than JOIN_GAP_MS share one read.
      const ranges: Pending[][] = [];
      for (const p of pending) {
        const last = ranges.at(-1);
        if (last && p.at - last.at(-1)!.at <= JOIN_GAP_MS) last.push(p);
        else ranges.push([p]);
      }
      for (const range of ranges) {
        const start = new Date(range[0]!.at - windowMs).toISOString();
        const end = new Date(range.at(-1)!.at + windowMs).toISOString();
        const plays: Array<Record<string, any>> = [];
        for (let page = 1; page <= MAX_PAGES; page++) {
          const res = await get(`/sync/history/${type}s?start_at=${start}&end_at=${end}&page=${page}&limit=${PAGE_LIMIT}`);
          if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`Trakt answered ${res.status} when its history was read to check a write`);
          plays.push(...(res.body as Array<Record<string, any>>));
          const pageCount = Number(header(res.headers, 'x-pagination-page-count'));
          if (res.body.length < PAGE_LIMIT || (Number.isFinite(pageCount) && page >= pageCount)) break;
        }
        // Each play on Trakt answers for one row at most: two rows for the same item and time need two plays.
        const used = new Set<number>();
        for (const p of range) {
          const idx = plays.findIndex((play, i) => !used.has(i) && matches(play, p.wanted) && Math.abs(Date.parse(play.watched_at) - p.at) <= windowMs);
          if (idx < 0) {
            out.set(p.row.id, { found: false });
            continue;
          }
          used.add(idx);
          const id = plays[idx]!.id;
          out.set(p.row.id, { found: true, historyId: typeof id === 'number' ? id : undefined });
        }
      }
    }
    return out;
  };
}
