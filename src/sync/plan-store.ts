/**
 * Where a run's plan lives: a TEMP table on the run's SQLite connection, never a JS array. A first
 * sync can plan tens of thousands of writes; the writers read them back a chunk at a time
 * (`planSource`), plays in time order. TEMP: private to this connection (one run at a time per
 * process, the sync lease), kept on disk by SQLite's temp store, emptied when the run ends.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { toItem, type PlanItem, type Row } from './plan-sql.js';

export type PlanList = 'toTrakt' | 'toPlex' | 'fromTrakt' | 'unwatchInPlex' | 'ratingsToTrakt' | 'ratingsToPlex';
export const PLAN_LISTS: PlanList[] = ['toTrakt', 'toPlex', 'fromTrakt', 'unwatchInPlex', 'ratingsToTrakt', 'ratingsToPlex'];

/** The plan row's columns, as the plan's queries name them (plan-sql.ts COLS + last_viewed_at). */
export const PLAN_COLUMNS = [
  'type', 'item_key', 'ids_hash', 'title', 'show_title', 'rating_key', 'imdb', 'tmdb', 'tvdb', 'show_imdb', 'show_tmdb', 'show_tvdb',
  'season', 'number', 'trakt_season', 'trakt_number', 'user_rating', 'last_viewed_at',
].join(', ');

export function resetPlanTable(sqlite: BetterSqlite3.Database): void {
  // sort_at: plays are written in watched order (a lost batch then spans a short stretch of history).
  sqlite.exec(`CREATE TEMP TABLE IF NOT EXISTS sync_plan (
    seq INTEGER PRIMARY KEY, list TEXT NOT NULL, sort_at INTEGER NOT NULL DEFAULT 0, rating INTEGER, recorded INTEGER, not_found INTEGER,
    ${PLAN_COLUMNS})`);
  sqlite.exec('CREATE INDEX IF NOT EXISTS temp.sync_plan_order ON sync_plan (list, sort_at, seq)');
  sqlite.exec('CREATE INDEX IF NOT EXISTS temp.sync_plan_key ON sync_plan (item_key)');
  sqlite.exec('DELETE FROM temp.sync_plan');
}

/** Frees the plan once the run is done (the table stays, empty). */
export function clearPlanTable(sqlite: BetterSqlite3.Database): void {
  try {
    sqlite.exec('DELETE FROM temp.sync_plan');
  } catch {
    // No plan was made (the run stopped before planning).
  }
}

/** Adds rows the caller already holds (ratings: few, decided in JS). */
export function addPlanRows(sqlite: BetterSqlite3.Database, list: PlanList, rows: Array<Row & { rating?: number }>): void {
  const cols = PLAN_COLUMNS.split(', ');
  const ins = sqlite.prepare(`INSERT INTO temp.sync_plan (list, rating, ${PLAN_COLUMNS}) VALUES (?, ?, ${cols.map(() => '?').join(', ')})`);
  sqlite.transaction(() => {
    for (const r of rows) ins.run(list, r.rating ?? null, ...cols.map((c) => (r as Record<string, unknown>)[c] ?? null));
  })();
}

export function planCount(sqlite: BetterSqlite3.Database, list: PlanList): number {
  return (sqlite.prepare('SELECT COUNT(*) AS n FROM temp.sync_plan WHERE list = ?').get(list) as { n: number }).n;
}

export function planKeys(sqlite: BetterSqlite3.Database, lists: PlanList[]): string[] {
  return sqlite.prepare(`SELECT item_key FROM temp.sync_plan WHERE list IN (${lists.map(() => '?').join(', ')}) ORDER BY seq`).pluck().all(...lists) as string[];
}

type PlanRow = Row & { seq: number; sort_at: number; rating: number | null };

function itemOf(list: PlanList, r: PlanRow): PlanItem {
  if (list === 'toTrakt') return { ...toItem(r), watchedAt: r.last_viewed_at };
  if (list === 'ratingsToTrakt' || list === 'ratingsToPlex') return { ...toItem(r), rating: r.rating ?? undefined };
  return toItem(r);
}

/** A plan list read back in order, `n` items at a time. */
export interface PlanSource {
  readonly size: number;
  next(n: number): PlanItem[];
}

export function planSource(sqlite: BetterSqlite3.Database, list: PlanList): PlanSource {
  const stmt = sqlite.prepare(`SELECT * FROM temp.sync_plan WHERE list = @list AND (sort_at, seq) > (@sortAt, @seq) ORDER BY sort_at, seq LIMIT @n`);
  let at = { sortAt: -8.64e15, seq: 0 };
  return {
    size: planCount(sqlite, list),
    next(n: number): PlanItem[] {
      const rows = stmt.all({ list, ...at, n }) as PlanRow[];
      const last = rows[rows.length - 1];
      if (last) at = { sortAt: last.sort_at, seq: last.seq };
      return rows.map((r) => itemOf(list, r));
    },
  };
}

/** The first items of a list (a run's detail page shows them). */
export function planSample(sqlite: BetterSqlite3.Database, list: PlanList, n: number): PlanItem[] {
  const rows = sqlite.prepare('SELECT * FROM temp.sync_plan WHERE list = ? ORDER BY seq LIMIT ?').all(list, n) as PlanRow[];
  return rows.map((r) => itemOf(list, r));
}
