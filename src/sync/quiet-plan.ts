/**
 * A quiet run does not plan again what it planned empty before. Planning reads every row of
 * both mirrors (about 1.5 s at 80,000 items) to find nothing; when nothing it reads has
 * changed since a plan that came out empty, the answer is the same. What it reads: the Plex
 * mirror (this run's read says whether it changed a row), Trakt's lists (this run's read says
 * whether it fetched any), and these, fingerprinted here: the ledger (every write and every
 * settle moves its newest `updated_at`), what Trakt did not know and which of it still holds
 * (a day), the history mirror (episode numbering), the watch baseline and the sync settings.
 *
 * The note is taken (read and removed) before a run reads anything and left again only by a
 * run that ends well with an empty plan (after its writes, planned again), so a run that
 * stops half-way leaves none and the next one plans.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { deleteSetting, getSetting, setSetting } from '../db/repos/settings.js';
import { notFoundCutoff, notFoundHolds } from '../ledger/not-found.js';
import { plannedWrites, type Plan } from './plan.js';
import { PLAN_LISTS, type PlanList } from './plan-store.js';
import type { SyncSettings } from './settings.js';

export interface QuietNote {
  inputs: string;
  /** What the empty plan counted, shown again by a run that does not plan. */
  unmatched: number;
  skippedRecorded: number;
  skippedNotFound: number;
}

const keyOf = (serverId: string, accountId: number) => `sync.quietPlan.${serverId}.${accountId}`;

/** The fingerprint of what a plan reads besides the two mirrors. */
export function planInputs(sqlite: BetterSqlite3.Database, accountId: number, serverId: string, settings: SyncSettings, now = Date.now()): string {
  const one = (q: string, ...params: unknown[]) => sqlite.prepare(q).get(...params);
  const history = one(`SELECT 1 AS n FROM sqlite_master WHERE type = 'table' AND name = 'trakt_history'`)
    ? one('SELECT COUNT(*) AS n, MAX(history_id) AS last FROM trakt_history WHERE account_id = ?', accountId)
    : null;
  return JSON.stringify({
    ledger: one('SELECT COUNT(*) AS n, MAX(id) AS last, MAX(updated_at) AS at FROM ledger'),
    notFound: one(`SELECT COUNT(*) AS n, MAX(at) AS at, COALESCE(SUM(${notFoundHolds('f', notFoundCutoff(now))}), 0) AS holding FROM trakt_not_found f WHERE account_id = ?`, accountId),
    history,
    baseline: one('SELECT COUNT(*) AS n, TOTAL(plex_watched) AS p, TOTAL(trakt_watched) AS t FROM sync_watch_baseline WHERE server_id = ? AND account_id = ?', serverId, accountId),
    settings,
  });
}

export async function takeQuietNote(db: Db, serverId: string, accountId: number): Promise<QuietNote | undefined> {
  const key = keyOf(serverId, accountId);
  const note = await getSetting<QuietNote>(db, key);
  if (note) await deleteSetting(db, key);
  return note;
}

export async function leaveQuietNote(db: Db, serverId: string, accountId: number, inputs: string, plan: Plan): Promise<void> {
  await setSetting(db, keyOf(serverId, accountId), { inputs, unmatched: plan.unmatched, skippedRecorded: plan.skippedRecorded, skippedNotFound: plan.skippedNotFound } satisfies QuietNote);
}

/** The plan a quiet run did not compute: empty, with the counts the last one had. */
export function emptyPlan(note: QuietNote, ref: QuietContext['ref']): Plan {
  const counts = Object.fromEntries(PLAN_LISTS.map((l) => [l, 0])) as Record<PlanList, number>;
  return { ...ref, counts, skippedRecorded: note.skippedRecorded, skippedNotFound: note.skippedNotFound, unmatched: note.unmatched };
}

const writesIn = plannedWrites;

export interface QuietContext {
  sqlite: BetterSqlite3.Database;
  accountId: number;
  serverId: string;
  settings: SyncSettings;
  /** Whose plan in the plan table (the run, the person). */
  ref: { runId: number; person: number };
}

/**
 * The plan, or the empty one without planning when this run's reads changed nothing
 * (`unchanged`: no Plex row, no Trakt list, no full walk) and the fingerprint is the note's.
 */
export function planUnlessQuiet(q: QuietContext, note: QuietNote | undefined, unchanged: boolean, compute: () => Plan): { plan: Plan; skipped: boolean } {
  if (note && unchanged && note.inputs === planInputs(q.sqlite, q.accountId, q.serverId, q.settings)) return { plan: emptyPlan(note, q.ref), skipped: true };
  return { plan: compute(), skipped: false };
}

/**
 * At the end of a run that ended well: a run that wrote plans again (its writes should leave
 * nothing to do; this is what lets the run right after it skip planning), and an empty plan
 * leaves the note. Returns whether it did.
 */
export async function noteQuietEnd(db: Db, q: QuietContext, plan: Plan, wrote: boolean, compute: () => Plan): Promise<boolean> {
  try {
    const after = wrote ? compute() : plan;
    if (writesIn(after) > 0) return false;
    await leaveQuietNote(db, q.serverId, q.accountId, planInputs(q.sqlite, q.accountId, q.serverId, q.settings), after);
    return true;
  } catch {
    return false; // no note: the next run plans
  }
}
