/**
 * The whole plan of a run the guard held, one row per item: its page shows the items
 * paged, and approval writes exactly this plan (not one computed later).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import type { Plan, PlanItem } from './plan.js';

export const PLAN_LISTS = ['toTrakt', 'toPlex', 'fromTrakt', 'unwatchInPlex', 'ratingsToTrakt', 'ratingsToPlex'] as const;
export type PlanList = (typeof PLAN_LISTS)[number];

// Each person's items of a list take their own range of `seq` (the owner's from 0, as before
// households), so a held run keeps one plan per person in the same table.
const PER_PERSON = 1_000_000;
const seqBase = (person: number) => (person === 1 ? 0 : person * PER_PERSON);

/** Saves one person's plan (Plex account id; 1 = the owner) of a held run. */
export function savePlan(sqlite: BetterSqlite3.Database, runId: number, plan: Plan, person = 1): void {
  const ins = sqlite.prepare('INSERT INTO sync_plan_items (run_id, list, seq, item) VALUES (?, ?, ?, ?)');
  const base = seqBase(person);
  sqlite.transaction(() => {
    for (const list of PLAN_LISTS) plan[list].forEach((item, seq) => ins.run(runId, list, base + seq, JSON.stringify(item)));
  })();
}

export function loadPlan(sqlite: BetterSqlite3.Database, runId: number, person = 1): Plan {
  const plan: Plan = { toTrakt: [], toPlex: [], fromTrakt: [], unwatchInPlex: [], ratingsToTrakt: [], ratingsToPlex: [], skippedRecorded: 0, skippedNotFound: 0, unmatched: 0 };
  const base = seqBase(person);
  const rows = sqlite
    .prepare('SELECT list, item FROM sync_plan_items WHERE run_id = ? AND seq >= ? AND seq < ? ORDER BY list, seq')
    .iterate(runId, base, base + PER_PERSON) as IterableIterator<{ list: PlanList; item: string }>;
  for (const r of rows) if (PLAN_LISTS.includes(r.list)) plan[r.list].push(JSON.parse(r.item) as PlanItem);
  return plan;
}

export function dropPlan(sqlite: BetterSqlite3.Database, runId: number): void {
  sqlite.prepare('DELETE FROM sync_plan_items WHERE run_id = ?').run(runId);
}

/** One page of one list of a held run's plan, and how many items the list has. */
export async function planPage(db: Db, runId: number, list: PlanList, page: number, perPage: number): Promise<{ items: PlanItem[]; total: number }> {
  const rows = await db
    .selectFrom('sync_plan_items')
    .select('item')
    .where('run_id', '=', runId)
    .where('list', '=', list)
    .orderBy('seq')
    .limit(perPage)
    .offset((page - 1) * perPage)
    .execute();
  const total = await db
    .selectFrom('sync_plan_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .where('list', '=', list)
    .executeTakeFirstOrThrow();
  return { items: rows.map((r) => JSON.parse(r.item) as PlanItem), total: Number(total.n) };
}
