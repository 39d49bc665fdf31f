/** The sync run log: one row per run, counts updated as it goes, the last 500+ kept. */
import { sql, type Updateable } from 'kysely';
import type { LedgerRow } from '../tables/ledger.js';
import type { Db } from '../database.js';
import type { SyncRunRow, SyncRunsTable, SyncTrigger } from '../tables/sync.js';

export const RUNS_KEPT = 1000;

export async function createRun(db: Db, trigger: SyncTrigger, dryRun: boolean, fullWalk: boolean, now = Date.now()): Promise<number> {
  const row = await db
    .insertInto('sync_runs')
    .values({ trigger, dry_run: dryRun ? 1 : 0, full_walk: fullWalk ? 1 : 0, status: 'running', phase: 'starting', started_at: now, heartbeat_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateRun(db: Db, id: number, patch: Updateable<SyncRunsTable>): Promise<void> {
  await db.updateTable('sync_runs').set(patch).where('id', '=', id).execute();
}

export async function getRun(db: Db, id: number): Promise<SyncRunRow | undefined> {
  return db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRuns(db: Db, page: number, perPage: number): Promise<{ rows: SyncRunRow[]; total: number }> {
  const rows = await db.selectFrom('sync_runs').selectAll().orderBy('id', 'desc').limit(perPage).offset((page - 1) * perPage).execute();
  const total = await db.selectFrom('sync_runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

export async function lastRuns(db: Db, n: number): Promise<SyncRunRow[]> {
  return db.selectFrom('sync_runs').selectAll().orderBy('id', 'desc').limit(n).execute();
}

/** The last finished run that walked Plex fully (for "full walk once a day"). */
export async function lastFullWalkAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('sync_runs')
    .select('started_at')
    .where('full_walk', '=', 1)
    .where('dry_run', '=', 0)
    .where('status', 'in', ['succeeded', 'partial'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.started_at;
}


/** Called by the holder of the sync lease: any other `running` row belongs to a process that died. */
export async function markInterruptedRuns(db: Db, now = Date.now()): Promise<number> {
  const r = await db
    .updateTable('sync_runs')
    .set({ status: 'interrupted', phase: 'done', finished_at: now, error: 'The process running this sync stopped before it finished. The next run picked up where it left off.' })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function pruneRuns(db: Db, keep = RUNS_KEPT): Promise<void> {
  const cutoff = await db.selectFrom('sync_runs').select('id').orderBy('id', 'desc').offset(keep).limit(1).executeTakeFirst();
  if (cutoff) await db.deleteFrom('sync_runs').where('id', '<=', cutoff.id).execute();
}

export async function runLogLines(db: Db, runId: number, afterId = 0, limit = 2000) {
  return db.selectFrom('logs').selectAll().where('run_id', '=', runId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

/** A ledger row with what tells two copies of one title apart: its year and its Plex library. */
export type RunLedgerRow = LedgerRow & { item_year: number | null; library: string | null };

/** A run's ledger rows (first `limit`, all or only the failed ones), how many there are, and how many failed. */
export async function runLedger(db: Db, runId: number, limit = 500, only?: 'failed'): Promise<{ rows: RunLedgerRow[]; total: number; failed: number }> {
  const rows = await sql<RunLedgerRow>`
    SELECT l.*, p.year AS item_year, s.title AS library FROM ledger l
    LEFT JOIN plex_items p ON p.server_id = substr(l.plex_key, 1, instr(l.plex_key, ':') - 1) AND p.rating_key = substr(l.plex_key, instr(l.plex_key, ':') + 1)
    LEFT JOIN plex_section_titles s ON s.server_id = p.server_id AND s.section_id = p.section_id
    WHERE l.source = 'sync' AND l.source_id = ${runId} ${only ? sql`AND l.status = ${only}` : sql``}
    ORDER BY l.id LIMIT ${limit}`.execute(db);
  const counts = await sql<{ n: number; failed: number }>`
    SELECT COUNT(*) AS n, COALESCE(SUM(status = 'failed'), 0) AS failed FROM ledger WHERE source = 'sync' AND source_id = ${runId}`.execute(db);
  return { rows: rows.rows, total: Number(counts.rows[0]?.n ?? 0), failed: Number(counts.rows[0]?.failed ?? 0) };
}

/**
 * Takes a held run for approval (compare-and-set: two approvals cannot both take it), and
 * returns it as it was held; undefined when it is not waiting.
 */
export async function takeHeldRun(db: Db, id: number, now = Date.now()): Promise<SyncRunRow | undefined> {
  const run = await getRun(db, id);
  if (!run || run.status !== 'awaiting_approval') return undefined;
  const r = await db
    .updateTable('sync_runs')
    .set({ status: 'running', phase: 'writing', error: null, finished_at: null, heartbeat_at: now })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_approval')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0 ? run : undefined;
}

/** Discards a held run: it ends with nothing written. False when it was not waiting. */
export async function discardHeldRun(db: Db, id: number, reason: string, now = Date.now()): Promise<boolean> {
  const r = await db
    .updateTable('sync_runs')
    .set({ status: 'discarded', phase: 'done', error: reason, finished_at: now })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_approval')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await db.deleteFrom('sync_plan_items').where('run_id', '=', id).execute();
  return true;
}

/** A newer run was held, or wrote: older held runs are set aside, so held runs never pile up. */
export async function supersedeHeldRuns(db: Db, newerId: number, newerWrote = false): Promise<void> {
  const older = await db.selectFrom('sync_runs').select('id').where('status', '=', 'awaiting_approval').where('id', '<', newerId).execute();
  const reason = newerWrote ? `Set aside: run ${newerId} read both sides again later and wrote its own plan.` : `Set aside: run ${newerId} read both sides again later and waits for approval instead.`;
  for (const o of older) await discardHeldRun(db, o.id, reason);
}

/** The run waiting for approval, if any (the newest). */
export async function heldRun(db: Db): Promise<SyncRunRow | undefined> {
  return db.selectFrom('sync_runs').selectAll().where('status', '=', 'awaiting_approval').orderBy('id', 'desc').limit(1).executeTakeFirst();
}
