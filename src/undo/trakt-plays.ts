/**
 * Finds the plays a run added in Trakt's history, by item and time, in bulk: the rows are
 * grouped into time ranges and each range is read with `/sync/history/{movies|episodes}
 * ?start_at&end_at` (250 a page), never one GET per item. Two neighbouring rows share a
 * range unless the Trakt history mirror says many other plays lie between them (reading
 * those would cost more pages than a second range).
 *
 * Which play is ours: Trakt numbers history entries in the order they were added, so of
 * the plays of the same item at the same instant, a run's play is newer than one that was
 * there before it; each row takes the newest unclaimed match, and a play that was there
 * before the run is never taken for the run's.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { LedgerRow } from '../db/tables/ledger.js';

type Ids = Record<string, unknown>;

export interface WantedPlay {
  type: 'movie' | 'episode';
  ids?: Ids;
  show?: Ids;
  season?: number;
  number?: number;
}

export interface TraktGet {
  (pathWithQuery: string): Promise<{ status: number; body: unknown; headers: Record<string, string> }>;
}

/** The item a ledger row's stored request names (scrobble or bulk shape). */
export function wantedOf(row: Pick<LedgerRow, 'request'>): WantedPlay | undefined {
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

const overlap = (a: Ids | undefined, b: Ids | undefined) => !!a && !!b && ['trakt', 'imdb', 'tmdb', 'tvdb'].some((k) => a[k] != null && a[k] === b[k]);

function matches(play: Record<string, any>, w: WantedPlay): boolean {
  if (w.type === 'movie') return overlap(play.movie?.ids, w.ids);
  if (w.ids && Object.keys(w.ids).length) return overlap(play.episode?.ids, w.ids);
  return overlap(play.show?.ids, w.show) && play.episode?.season === w.season && play.episode?.number === w.number;
}

/** The instant a row's play carries on Trakt, and how far from it a match may be. */
function instantOf(row: LedgerRow): { at: number; window: number } {
  // A scrobble is stamped by Trakt when it arrives: near when we sent it, not to the second.
  if (row.action === 'scrobble.stop') return { at: row.created_at, window: 5 * 60_000 };
  return { at: row.watched_at ?? row.created_at, window: 1000 };
}

const idKeys = (prefix: string, ids: Ids | undefined, suffix = '') =>
  ['trakt', 'imdb', 'tmdb', 'tvdb'].filter((k) => ids?.[k] != null).map((k) => `${prefix}:${k}:${String(ids![k])}${suffix}`);

/** Lookup keys for an item: its own ids, or (an episode) its show's ids with season and number. */
function keysOf(w: WantedPlay): string[] {
  if (w.type === 'movie') return idKeys('movie', w.ids);
  if (w.ids && Object.keys(w.ids).length) return idKeys('episode', w.ids);
  return idKeys('show', w.show, `:${w.season}:${w.number}`);
}

/** Plays by every key they can be looked up with (numeric ids only: a play without one cannot be removed). */
function indexPlays(plays: Array<Record<string, any>>): Map<string, Array<Record<string, any>>> {
  const index = new Map<string, Array<Record<string, any>>>();
  const add = (k: string, p: Record<string, any>) => {
    const list = index.get(k);
    if (list) list.push(p);
    else index.set(k, [p]);
  };
  for (const p of plays) {
    if (typeof p.id !== 'number') continue;
    if (p.movie) for (const k of idKeys('movie', p.movie.ids)) add(k, p);
    if (p.episode) {
      for (const k of idKeys('episode', p.episode.ids)) add(k, p);
      for (const k of idKeys('show', p.show?.ids, `:${p.episode.season}:${p.episode.number}`)) add(k, p);
    }
  }
  return index;
}

const PAGE = 250;
/** Reading more than this many pages for one range means something is wrong: stop (bounded). */
const MAX_PAGES = 4000;

interface Pending {
  row: LedgerRow;
  wanted: WantedPlay;
  at: number;
  window: number;
}

export interface FoundPlays {
  /** Ledger row id → Trakt history id of the play (absent: the play is not on Trakt). */
  found: Map<number, number>;
  gets: number;
}

/**
 * `mirror` (the Trakt history mirror) only shapes the ranges. `pinned`: rows an earlier
 * undo attempt already chose a play for (its answer was lost, or it was killed): only that
 * play may be taken, so a second attempt never picks another play of the same item. Throws when Trakt cannot be read: the undo
 * then stops before removing anything it could not find.
 */
export async function findRunPlays(
  get: TraktGet,
  rows: LedgerRow[],
  opts: { mirror?: { sqlite: BetterSqlite3.Database; accountId: number }; pinned?: Map<number, number> } = {},
): Promise<FoundPlays> {
  const { mirror, pinned } = opts;
  const found = new Map<number, number>();
  let gets = 0;
  const byType = new Map<'movie' | 'episode', Pending[]>();
  for (const row of rows) {
    const wanted = wantedOf(row);
    if (!wanted) continue;
    const { at, window } = instantOf(row);
    byType.set(wanted.type, [...(byType.get(wanted.type) ?? []), { row, wanted, at, window }]);
  }
  const between = mirror?.sqlite.prepare(`SELECT COUNT(*) AS n FROM trakt_history WHERE account_id = ? AND type = ? AND watched_at > ? AND watched_at < ?`);
  for (const [type, pending] of byType) {
    pending.sort((a, b) => a.at - b.at);
    const ranges: Pending[][] = [];
    for (const p of pending) {
      const last = ranges.at(-1);
      const prev = last?.at(-1);
      const costly = prev && between ? (between.get(mirror!.accountId, type, prev.at, p.at) as { n: number }).n >= PAGE : false;
      if (last && !costly) last.push(p);
      else ranges.push([p]);
    }
    for (const range of ranges) {
      const start = new Date(Math.min(...range.map((p) => p.at - p.window))).toISOString();
      const end = new Date(Math.max(...range.map((p) => p.at + p.window))).toISOString();
      const plays: Array<Record<string, any>> = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const res = await get(`/sync/history/${type}s?start_at=${start}&end_at=${end}&page=${page}&limit=${PAGE}`);
        gets++;
        if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`Trakt answered ${res.status} when its history was read`);
        plays.push(...(res.body as Array<Record<string, any>>));
        const pageCount = Number(res.headers['x-pagination-page-count']);
        if (res.body.length < PAGE || (Number.isFinite(pageCount) && page >= pageCount)) break;
      }
      // Each row claims the newest matching play (the highest history id) not claimed yet.
      const index = indexPlays(plays);
      const used = new Set<number>();
      for (const p of range) {
        let best: Record<string, any> | undefined;
        for (const key of keysOf(p.wanted)) {
          for (const play of index.get(key) ?? []) {
            if (used.has(play.id) || Math.abs(Date.parse(play.watched_at) - p.at) > p.window || !matches(play, p.wanted)) continue;
            // An earlier undo already chose this row's play: only that one may be taken.
            const pin = pinned?.get(p.row.id);
            if (pin !== undefined && play.id !== pin) continue;
            if (!best || play.id > best.id) best = play;
          }
        }
        if (!best) continue;
        used.add(best.id);
        found.set(p.row.id, best.id);
      }
    }
  }
  return { found, gets };
}
