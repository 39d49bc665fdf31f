/**
 * Where a run's plan lives: `sync_plan_items`, one row per item, never a JS array. A first sync
 * can plan tens of thousands of writes: the plan's queries insert straight into the table, the
 * writers read it back a chunk at a time (`planSource`, plays in watched order), a held run keeps
 * it for its page and its approval, and a run that wrote drops it. Rows belong to a person (the
 * Plex account id; 1 = the server owner), so a household's run can plan person by person.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { toItem, type PlanItem, type Row } from './plan-sql.js';

export const PLAN_LISTS = ['toTrakt', 'toPlex', 'fromTrakt', 'unwatchInPlex', 'ratingsToTrakt', 'ratingsToPlex'] as const;
export type PlanList = (typeof PLAN_LISTS)[number];

/** The server owner (Plex account id 1): whose plan it is unless a person is named. */
export const OWNER = 1;

/** Which plan: a run's, for one person. */
export interface PlanRef {
  runId: number;
  person?: number;
}

const key = (ref: PlanRef) => ({ run: ref.runId, person: ref.person ?? OWNER });

/** The columns a plan query selects for `insertPlanRows` (plan-sql.ts COLS + last_viewed_at). */
export const PLAN_COLUMNS = [
  'type', 'item_key', 'ids_hash', 'title', 'show_title', 'rating_key', 'imdb', 'tmdb', 'tvdb', 'show_imdb', 'show_tmdb', 'show_tvdb',
  'season', 'number', 'trakt_season', 'trakt_number', 'user_rating', 'last_viewed_at',
] as const;

// The plan item's JSON made in SQL, row by row inside the INSERT … SELECT (nothing passes through
// JS): the same object plan-sql.ts toItem makes (tests/sync/sync-plan-table.test.ts holds the two
// equal), with a play's watched time. Ids only when set (json_patch drops the nulls).
const IDS = (p: string) => `json_patch('{}', json_object('imdb', NULLIF(${p}imdb, ''), 'tmdb', NULLIF(${p}tmdb, 0), 'tvdb', NULLIF(${p}tvdb, 0)))`;
const EPISODE_TITLE = `COALESCE(show_title, '?') || ' · S' || printf('%02d', COALESCE(season, 0)) || 'E' || printf('%02d', COALESCE(number, 0))
  || CASE WHEN title IS NOT NULL AND title <> '' THEN ' · ' || title ELSE '' END`;
const ITEM = `CASE WHEN type = 'episode'
  THEN json_object('kind', type, 'itemKey', item_key, 'idsHash', ids_hash, 'title', ${EPISODE_TITLE}, 'ratingKey', rating_key, 'ids', ${IDS('')},
    'show', ${IDS('show_')}, 'season', season, 'number', number, 'traktSeason', trakt_season, 'traktNumber', trakt_number)
  ELSE json_object('kind', type, 'itemKey', item_key, 'idsHash', ids_hash, 'title', title, 'ratingKey', rating_key, 'ids', ${IDS('')}) END`;
export const PLAN_ITEM_SQL = `CASE WHEN list = 'toTrakt' THEN json_set(${ITEM}, '$.watchedAt', last_viewed_at) ELSE ${ITEM} END`;

/** The next free seq of a run's plan (one numbering across its lists). */
function nextSeq(sqlite: BetterSqlite3.Database, ref: PlanRef): number {
  return (sqlite.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM sync_plan_items WHERE run_id = @run AND person = @person').get(key(ref)) as { n: number }).n;
}

/**
 * Inserts the rows a SELECT gives, in its order. `select` names columns `list`, `sort_at` and
 * PLAN_COLUMNS; its own parameters come in `params` (plus @run and @person).
 */
export function insertPlanRows(sqlite: BetterSqlite3.Database, ref: PlanRef, select: string, params: Record<string, unknown>, orderBy: string): void {
  sqlite
    .prepare(
      `INSERT INTO sync_plan_items (run_id, person, list, seq, item_key, sort_at, item)
       SELECT @run, @person, list, @base + row_number() OVER (ORDER BY ${orderBy}), item_key, sort_at, ${PLAN_ITEM_SQL}
       FROM (${select})`,
    )
    .run({ ...params, ...key(ref), base: nextSeq(sqlite, ref) });
}

/** Adds items the caller decided in JS (ratings: few, even in a large library). */
export function addPlanItems(sqlite: BetterSqlite3.Database, ref: PlanRef, list: PlanList, items: PlanItem[]): void {
  const ins = sqlite.prepare('INSERT INTO sync_plan_items (run_id, person, list, seq, item_key, sort_at, item) VALUES (@run, @person, @list, @seq, @itemKey, @sortAt, @item)');
  sqlite.transaction(() => {
    let seq = nextSeq(sqlite, ref);
    for (const i of items) ins.run({ ...key(ref), list, seq: ++seq, itemKey: i.itemKey, sortAt: list === 'toTrakt' ? (i.watchedAt ?? 0) : 0, item: JSON.stringify(i) });
  })();
}

/** How many items each list of the plan has. */
export function planCounts(sqlite: BetterSqlite3.Database, ref: PlanRef): Record<PlanList, number> {
  const counts = Object.fromEntries(PLAN_LISTS.map((l) => [l, 0])) as Record<PlanList, number>;
  const rows = sqlite.prepare('SELECT list, COUNT(*) AS n FROM sync_plan_items WHERE run_id = @run AND person = @person GROUP BY list').all(key(ref)) as Array<{ list: string; n: number }>;
  for (const r of rows) if ((PLAN_LISTS as readonly string[]).includes(r.list)) counts[r.list as PlanList] = r.n;
  return counts;
}

/** Counts the rows of a list and deletes them (what the plan set aside, e.g. plays already sent). */
export function takeCount(sqlite: BetterSqlite3.Database, ref: PlanRef, list: string): number {
  return sqlite.prepare('DELETE FROM sync_plan_items WHERE run_id = @run AND person = @person AND list = @list').run({ ...key(ref), list }).changes;
}

/** The item keys of some lists (the removals: few, and the guard holds many). */
export function planKeys(sqlite: BetterSqlite3.Database, ref: PlanRef, lists: PlanList[]): string[] {
  return sqlite
    .prepare(`SELECT item_key FROM sync_plan_items WHERE run_id = @run AND person = @person AND list IN (${lists.map((l) => `'${l}'`).join(', ')}) ORDER BY seq`)
    .pluck()
    .all(key(ref)) as string[];
}

/** A plan list read back in order (plays by watched time, ties in planned order), `n` items at a time. */
export interface PlanSource {
  readonly size: number;
  next(n: number): PlanItem[];
}

export function planSource(sqlite: BetterSqlite3.Database, ref: PlanRef, list: PlanList): PlanSource {
  const stmt = sqlite.prepare(
    `SELECT seq, sort_at, item FROM sync_plan_items WHERE run_id = @run AND person = @person AND list = @list AND (sort_at, seq) > (@sortAt, @seq)
     ORDER BY sort_at, seq LIMIT @n`,
  );
  let at = { sortAt: -8.64e15, seq: 0 };
  const size = (sqlite.prepare('SELECT COUNT(*) AS n FROM sync_plan_items WHERE run_id = @run AND person = @person AND list = @list').get({ ...key(ref), list }) as { n: number }).n;
  return {
    size,
    next(n: number): PlanItem[] {
      const rows = stmt.all({ ...key(ref), list, ...at, n }) as Array<{ seq: number; sort_at: number; item: string }>;
      const last = rows[rows.length - 1];
      if (last) at = { sortAt: last.sort_at, seq: last.seq };
      return rows.map((r) => JSON.parse(r.item) as PlanItem);
    },
  };
}

/** The first items of a list in planned order (a run's detail page shows them). */
export function planSample(sqlite: BetterSqlite3.Database, ref: PlanRef, list: PlanList, n: number): PlanItem[] {
  const rows = sqlite.prepare('SELECT item FROM sync_plan_items WHERE run_id = @run AND person = @person AND list = @list ORDER BY seq LIMIT @n').pluck().all({ ...key(ref), list, n }) as string[];
  return rows.map((r) => JSON.parse(r) as PlanItem);
}

/** Drops a run's plan: one person's, or every person's. */
export function dropPlan(sqlite: BetterSqlite3.Database, runId: number, person?: number): void {
  if (person === undefined) sqlite.prepare('DELETE FROM sync_plan_items WHERE run_id = ?').run(runId);
  else sqlite.prepare('DELETE FROM sync_plan_items WHERE run_id = ? AND person = ?').run(runId, person);
}

/** Drops plans no run needs: left by a run that stopped (a crash) and is not waiting for approval. */
export function dropStalePlans(sqlite: BetterSqlite3.Database, exceptRunId: number): void {
  sqlite
    .prepare(`DELETE FROM sync_plan_items WHERE run_id <> ? AND run_id NOT IN (SELECT id FROM sync_runs WHERE status = 'awaiting_approval')`)
    .run(exceptRunId);
}

/** One page of one list of a held run's plan (one person's, or every person's one after another), and how many items the list has. */
export async function planPage(
  db: Db,
  runId: number,
  list: PlanList,
  page: number,
  perPage: number,
  person?: number,
): Promise<{ items: Array<PlanItem & { person: number }>; total: number }> {
  const rows = await db
    .selectFrom('sync_plan_items')
    .select(['item', 'person'])
    .where('run_id', '=', runId)
    .$if(person !== undefined, (q) => q.where('person', '=', person!))
    .where('list', '=', list)
    .orderBy('person')
    .orderBy('seq')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  const total = await db
    .selectFrom('sync_plan_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .$if(person !== undefined, (q) => q.where('person', '=', person!))
    .where('list', '=', list)
    .executeTakeFirstOrThrow();
  return { items: rows.map((r) => ({ ...(JSON.parse(r.item) as PlanItem), person: r.person })), total: Number(total.n) };
}
