/**
 * One reconciliation run, person by person (src/sync/household.ts says who): for each, settle
 * what a crash left, mirror their Plex state, mirror their Trakt account, plan in SQL, write
 * the plan or only show it (dry run) (src/sync/person-run.ts). One person's failure does not
 * stop the others; the run's record keeps each person's outcome (src/sync/run-people.ts). One
 * run at a time across every process on the database: a lease with a heartbeat, so a killed
 * run frees it within a minute.
 */
import os from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { keepRenewing, tryAcquireLease, type Lease } from '../db/repos/locks.js';
import { createRun, getRun, lastFullWalkAt, markInterruptedRuns, pruneRuns, supersedeHeldRuns, takeHeldRun, updateRun } from '../db/repos/sync-runs.js';
import type { SyncPhase, SyncRunRow, SyncRunStatus, SyncTrigger } from '../db/tables/sync.js';
import type { Logger } from '../log/logger.js';
import { metrics } from '../metrics/registry.js';
import { PlexUnauthorizedError } from '../plex/errors.js';
import { planSummary, type Plan } from './plan.js';
import { countUnmatched } from '../db/repos/sync-unmatched.js';
import type { GuardLimits } from './guard.js';
import { dropPlan, dropStalePlans } from './plan-store.js';
import type { SyncPerson, SyncPorts } from './ports.js';
import { choosePeople, householdFor } from './household.js';
import { LOST_LOCK, runPerson, SHUTTING_DOWN, shortfall, UserFacingError } from './person-run.js';
import { heldEntries, newPersonRun, runOutcome, sum, totalCounts, type PersonRun } from './run-people.js';
import type { Notifier } from '../notify/notifier.js';
import { raiseRunOutcome } from '../notify/run-outcome.js';
import type { SyncPinger } from '../notify/sync-ping.js';

export const SYNC_LEASE = 'sync';

const runsTotal = metrics.counter('pts_sync_runs_total', 'Sync runs finished, by status.');
const runSeconds = metrics.summary('pts_sync_run_duration_seconds', 'Duration of finished sync runs, by status.');

export interface RunnerDeps {
  db: Db;
  sqlite: BetterSqlite3.Database;
  log: Logger;
}

export interface RunnerOptions {
  /** Items per Trakt write (100-250). */
  batchSize?: number;
  /** Least time between a write's answer and the next write (default 1000 ms; tests pass 0). */
  writeGapMs?: number;
  plexPageSize?: number;
  plexConcurrency?: number;
  leaseTtlMs?: number;
  heartbeatMs?: number;
  /** Throttle for progress callbacks. */
  progressMs?: number;
  /** Brings the Trakt history mirror up to date before planning (its episode ids fix numbering differences). */
  refreshHistory?: (accountId: number) => Promise<unknown>;
  /** Called (throttled) with the run row as it changes; the service renders it onto the live bus. */
  onProgress?: (run: SyncRunRow) => void;
  /** The guard's limits (SYNC_GUARD_*); without them nothing is held. */
  guard?: GuardLimits;
  /** Raises sync.failed / partial / awaiting_approval / succeeded when a run ends (queued; never waits). */
  notifier?: Notifier;
  /** SYNC_PING_URL: /start and the outcome of scheduled runs (in the background). */
  ping?: SyncPinger;
}

export interface StartOptions {
  trigger: SyncTrigger;
  dryRun?: boolean;
  /** Walk all of Plex (and refetch all of Trakt) instead of what changed. */
  full?: boolean;
  /** Let the run past the guard (`sync --yes`, `approve: true`). */
  approve?: boolean;
  /** Only this person (Plex account id or name, `sync --person`); default: everyone with sync on. */
  person?: string;
}

export class SyncBusyError extends Error {
  constructor() {
    super('A sync is already running. Wait for it to finish (see Sync runs), then try again.');
  }
}

export interface StartedRun {
  runId: number;
  done: Promise<SyncRunRow>;
  /** Asks the run to stop after the batch in flight (shutdown); the next run finishes the job. */
  stop(): void;
}

const FULL_WALK_EVERY_MS = 24 * 3600 * 1000;

export async function startSyncRun(deps: RunnerDeps, ports: SyncPorts, start: StartOptions, opts: RunnerOptions = {}): Promise<StartedRun> {
  const people = await choosePeople(ports, start.person);
  const leaseTtl = opts.leaseTtlMs ?? 60_000;
  const owner = `${os.hostname()}:${process.pid}:${Date.now()}`;
  const lease = await tryAcquireLease(deps.db, SYNC_LEASE, owner, leaseTtl);
  if (!lease) throw new SyncBusyError();
  let runId: number;
  try {
    const dead = await markInterruptedRuns(deps.db);
    if (dead) deps.log.warn({ component: 'sync', runs: dead }, 'an earlier sync run was interrupted (its process stopped); this run finishes its work');
    const fullWalk = start.full || (await needsFullWalk(deps.db));
    runId = await createRun(deps.db, start.trigger, !!start.dryRun, fullWalk);
    if (start.trigger === 'schedule') opts.ping?.started(runId);
    const stopper = { stopped: false };
    const done = execute(deps, lease, runId, people, { ...start, full: fullWalk }, opts, stopper);
    return { runId, done, stop: () => void (stopper.stopped = true) };
  } catch (err) {
    await lease.release();
    throw err;
  }
}

export class NotHeldError extends Error {}

/**
 * Approves a run the guard held: it takes the lease, and writes the plan it was held with
 * (less plays the ledger got meanwhile). Throws SyncBusyError while a run is going, and
 * NotHeldError (a sentence) when the run is not waiting.
 */
export async function approveHeldRun(deps: RunnerDeps, ports: SyncPorts, runId: number, opts: RunnerOptions = {}): Promise<StartedRun> {
  const leaseTtl = opts.leaseTtlMs ?? 60_000;
  const owner = `${os.hostname()}:${process.pid}:${Date.now()}`;
  const lease = await tryAcquireLease(deps.db, SYNC_LEASE, owner, leaseTtl);
  if (!lease) throw new SyncBusyError();
  try {
    await markInterruptedRuns(deps.db);
    const people = await householdFor(ports);
    const run = await takeHeldRun(deps.db, runId);
    if (!run) throw new NotHeldError(`Sync run ${runId} is not waiting for approval (only a run the guard held can be approved).`);
    const stopper = { stopped: false };
    const done = execute(deps, lease, runId, people, { trigger: run.trigger, full: !!run.full_walk, approve: true }, opts, stopper, run.started_at);
    return { runId, done, stop: () => void (stopper.stopped = true) };
  } catch (err) {
    await lease.release();
    throw err;
  }
}

async function needsFullWalk(db: Db): Promise<boolean> {
  const last = await lastFullWalkAt(db);
  return last === undefined || Date.now() - last > FULL_WALK_EVERY_MS;
}

async function execute(
  deps: RunnerDeps,
  lease: Lease,
  runId: number,
  people: SyncPerson[],
  start: StartOptions & { full: boolean },
  opts: RunnerOptions,
  stopper: { stopped: boolean },
  /** Set when this is a held run being approved: the held people's plans are read back, not made again. */
  heldSince?: number,
): Promise<SyncRunRow> {
  const log = deps.log.child({ component: 'sync', runId });
  const startedAt = Date.now();
  // Plans a stopped run left behind (a crash) are of no use: only held runs keep theirs.
  dropStalePlans(deps.sqlite, runId);
  const before = heldSince !== undefined ? await getRun(deps.db, runId) : undefined;
  // Approving: each person's record (and counts) carries on from the read and plan done before the hold.
  const entries: PersonRun[] = before ? heldEntries(before) : people.map((p) => newPersonRun(p.plexAccountId, p.name, p.skipped));
  let unmatched = before?.unmatched ?? 0;
  let phase: SyncPhase = 'starting';
  let lost = false;
  const stopped = (): 'lost' | 'shutdown' | null => (lost ? 'lost' : stopper.stopped ? 'shutdown' : null);
  const plans: Plan[] = [];
  const heldReasons: string[] = [];

  let lastFlush = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (force = false) => {
    const now = Date.now();
    if (!force && now - lastFlush < (opts.progressMs ?? 500)) return flushing;
    lastFlush = now;
    flushing = flushing
      .then(async () => {
        await updateRun(deps.db, runId, { ...totalCounts(entries), unmatched, phase, heartbeat_at: Date.now(), people: JSON.stringify(entries) });
        const row = await getRun(deps.db, runId);
        if (row) opts.onProgress?.(row);
      })
      .catch((err) => log.warn({ err: String(err) }, 'could not record sync progress'));
    return flushing;
  };
  const setPhase = async (p: SyncPhase, msg: string) => {
    phase = p;
    log.info({ phase: p }, msg);
    await flush(true);
  };

  const stopHeartbeat = keepRenewing(
    lease,
    opts.heartbeatMs ?? 15_000,
    () => {
      lost = true;
      log.error('the sync lease was lost (another process took over); stopping this run');
    },
    () => void flush(true),
  );

  let status: SyncRunStatus = 'succeeded';
  let error: string | null = null;
  try {
    log.info({ trigger: start.trigger, dryRun: !!start.dryRun, fullWalk: start.full, people: entries.map((e) => e.name) }, `sync run ${runId} started${start.dryRun ? ' (dry run: nothing is written)' : ''}`);
    // The sync runs person by person: each with their own Plex token and their own Trakt account's client.
    for (const entry of entries) {
      if (entry.status === 'skipped') {
        log.info({ person: entry.plexAccountId }, `${entry.name} is left out of this run: ${entry.reason}`);
        continue;
      }
      if (before && entry.status !== 'awaiting_approval') continue;
      const why = stopped();
      if (why) {
        entry.status = 'failed';
        entry.reason = why === 'lost' ? LOST_LOCK : SHUTTING_DOWN;
        continue;
      }
      const person = people.find((p) => p.plexAccountId === entry.plexAccountId);
      const plog = log.child({ person: entry.plexAccountId });
      entry.status = 'running';
      entry.startedAt = Date.now();
      entry.finishedAt = null;
      const sides = person ? await person.open().catch((err: unknown) => `${entry.name}'s accounts could not be opened: ${(err instanceof Error ? err.message : String(err)).replace(/\.$/, '')}. The next run tries again.`) : `${entry.name} is no longer in the household, so their held plan is not written.`;
      if (typeof sides === 'string') {
        entry.status = 'failed';
        entry.reason = sides;
        entry.finishedAt = Date.now();
        plog.error(`${entry.name}: ${sides}`);
        await flush(true);
        continue;
      }
      entry.traktAccountId = sides.trakt.accountId;
      if (before) entry.counts = { ...entry.counts, writes_done: 0 };
      try {
        const out = await runPerson({
          deps, opts, runId, start, startedAt, log: plog, entry, sides, approving: !!before, stopped, flush, setPhase,
          onPlan: async (plan) => {
            plans.push(plan);
            await updateRun(deps.db, runId, { plan: JSON.stringify(planSummary(deps.sqlite, plans)) });
          },
        });
        if ('held' in out) {
          entry.status = 'awaiting_approval';
          entry.reason = out.held.join(' ');
          heldReasons.push(...out.held.map((r) => (entries.filter((e) => e.status !== 'skipped').length > 1 ? `${entry.name}: ${r}` : r)));
        } else {
          const short = start.dryRun ? null : shortfall(entry.counts);
          entry.status = short ? 'partial' : 'succeeded';
          entry.reason = short;
        }
      } catch (err) {
        entry.status = 'failed';
        entry.reason =
          err instanceof UserFacingError
            ? err.message
            : err instanceof PlexUnauthorizedError && entry.plexAccountId !== 1
              ? // Their own token, not the owner's: signing in again would not help.
                `The Plex server refused ${entry.name}'s token (401): their share may have ended or the token was revoked. Read the household again in Settings → People (a Home user's PIN may be needed); their webhooks still work.`
              : `The sync stopped for ${entry.name}: ${(err instanceof Error ? err.message : String(err)).replace(/\.$/, '')}. The next run picks up where this one stopped.`;
        plog.error({ err: err instanceof Error ? err.message : String(err) }, entry.reason);
      }
      entry.finishedAt = Date.now();
      await flush(true);
    }

    const outcome = runOutcome(entries);
    status = outcome.status;
    error = outcome.error;
    const written = entries.filter((e) => e.status === 'succeeded' || e.status === 'partial');
    // What the next run's guard compares with (the per-person figures are in `people`).
    if (written.length && !start.dryRun) {
      await updateRun(deps.db, runId, { plex_watched: sum(written, 'plexWatched'), trakt_watched: sum(written, 'traktWatched') });
    } else if (!before && entries.some((e) => e.plexWatched !== null)) {
      await updateRun(deps.db, runId, { plex_watched: sum(entries, 'plexWatched'), trakt_watched: sum(entries, 'traktWatched') });
    }
    if (status === 'awaiting_approval') {
      await updateRun(deps.db, runId, { guard: JSON.stringify({ reasons: heldReasons, heldAt: Date.now() }) });
      await supersedeHeldRuns(deps.db, runId);
      log.warn({ reasons: error }, `sync run ${runId} waits for approval`);
    } else if (!start.dryRun && written.length) {
      await supersedeHeldRuns(deps.db, runId, true);
    }
    // The same number the Unmatched page shows, counted after this run's own not_found answers.
    unmatched = await countUnmatched(deps.db);
    await setPhase('done', `sync run ${runId} ${status}`);
  } catch (err) {
    status = 'failed';
    error = err instanceof UserFacingError ? err.message : `The sync stopped: ${err instanceof Error ? err.message : String(err)}. The next run picks up where this one stopped.`;
    log.error({ err: err instanceof Error ? err.message : String(err) }, error);
  } finally {
    stopHeartbeat();
    // Only a held run keeps its plan (for its page and its approval); any other drops what is left of it.
    if (status !== 'awaiting_approval') {
      try {
        dropPlan(deps.sqlite, runId);
      } catch (err) {
        log.warn({ err: String(err) }, 'could not drop the run plan; the next run drops it');
      }
    }
    await flushing;
    const finishedAt = Date.now();
    const counts = totalCounts(entries);
    await updateRun(deps.db, runId, { ...counts, unmatched, phase: 'done', status, error, finished_at: finishedAt, heartbeat_at: finishedAt, people: JSON.stringify(entries) });
    await lease.release().catch(() => undefined);
    await pruneRuns(deps.db).catch(() => undefined);
    runsTotal.inc({ status });
    runSeconds.observe((finishedAt - startedAt) / 1000, { status });
    log.info({ status, ...counts, unmatched, ms: finishedAt - startedAt }, `sync run ${runId} finished: ${status}`);
  }
  const row = (await getRun(deps.db, runId))!;
  raiseRunOutcome(opts.notifier, row);
  if (start.trigger === 'schedule') opts.ping?.finished(runId, row.status);
  opts.onProgress?.(row);
  return row;
}

export { UserFacingError };
export { UnknownPersonError, householdFor, choosePeople } from './household.js';

