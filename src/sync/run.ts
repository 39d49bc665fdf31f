/**
 * One reconciliation run: settle what a crash left, mirror Plex, mirror Trakt, plan in
 * SQL, write the plan (or only show it: dry run). One run at a time across every process
 * on the database: a lease with a heartbeat, so a killed run frees it within a minute.
 */
import os from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { tryAcquireLease, type Lease } from '../db/repos/locks.js';
import { getSetting, setSetting } from '../db/repos/settings.js';
import { createRun, getRun, lastFullWalkAt, markInterruptedRuns, pruneRuns, supersedeHeldRuns, takeHeldRun, updateRun } from '../db/repos/sync-runs.js';
import type { SyncPhase, SyncRunRow, SyncRunStatus, SyncTrigger } from '../db/tables/sync.js';
import { settleIntents, settlePlexIntents } from '../ledger/settle-intents.js';
import type { Logger } from '../log/logger.js';
import { metrics } from '../metrics/registry.js';
import { readPlex } from './mirror-plex.js';
import { mirrorTrakt, type Activities, type SettledMarks, type TraktMirrorResult } from './mirror-trakt.js';
import { activitiesAfterRun } from './activities-after.js';
import { remapEpisodeNumbering } from './numbering.js';
import { computePlan, planSummary, type Plan, type PlanExtras } from './plan.js';
import { noteQuietEnd, planUnlessQuiet, takeQuietNote, type QuietContext } from './quiet-plan.js';
import { countUnmatched } from '../db/repos/sync-unmatched.js';
import { guardReasons, lastWrittenCounts, watchedCounts, type GuardLimits } from './guard.js';
import { dropPlan, loadPlan, savePlan } from './plan-store.js';
import type { SyncPlex, SyncPorts, SyncTrakt } from './ports.js';
import { getSyncSettings } from './settings.js';
import { updateWatchBaseline } from './watch-baseline.js';
import { plannedWrites, withoutRecordedPlays, writePlan, zeroCounts, type RunCounts, type Written } from './write-plan.js';
import type { TraktWriteResult } from './write-trakt.js';
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

type Counts = RunCounts;

export async function startSyncRun(deps: RunnerDeps, ports: SyncPorts, start: StartOptions, opts: RunnerOptions = {}): Promise<StartedRun> {
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
    const done = execute(deps, ports, lease, runId, { ...start, full: fullWalk }, opts, stopper);
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
    const run = await takeHeldRun(deps.db, runId);
    if (!run) throw new NotHeldError(`Sync run ${runId} is not waiting for approval (only a run the guard held can be approved).`);
    const stopper = { stopped: false };
    const done = execute(deps, ports, lease, runId, { trigger: run.trigger, full: !!run.full_walk, approve: true }, opts, stopper, run.started_at);
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
  ports: SyncPorts,
  lease: Lease,
  runId: number,
  start: StartOptions & { full: boolean },
  opts: RunnerOptions,
  stopper: { stopped: boolean },
  /** Set when this is a held run being approved: its plan is read back, not made again. */
  heldSince?: number,
): Promise<SyncRunRow> {
  const log = deps.log.child({ component: 'sync', runId });
  const startedAt = Date.now();
  const counts: Counts = zeroCounts();
  if (heldSince !== undefined) {
    // The counts of the read and plan it did before it was held carry on.
    const before = await getRun(deps.db, runId);
    if (before) for (const k of Object.keys(counts) as Array<keyof Counts>) counts[k] = before[k];
  }
  let phase: SyncPhase = 'starting';
  let lost = false;
  const shouldStop = () => lost || stopper.stopped;

  let lastFlush = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (force = false) => {
    const now = Date.now();
    if (!force && now - lastFlush < (opts.progressMs ?? 500)) return flushing;
    lastFlush = now;
    flushing = flushing
      .then(async () => {
        await updateRun(deps.db, runId, { ...counts, phase, heartbeat_at: Date.now() });
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

  const heartbeat = setInterval(() => {
    void lease.renew().then((ok) => {
      if (!ok && !lost) {
        lost = true;
        log.error('the sync lease was lost (another process took over); stopping this run');
      }
    });
    void flush(true);
  }, opts.heartbeatMs ?? 15_000);
  heartbeat.unref();


  // Read both sides and plan; undefined when the guard held the run (its plan is kept).
  const readAndPlan = async (): Promise<{ plan: Plan; mirrored: TraktMirrorResult; settled?: SettledMarks } | undefined> => {
    const { plex, trakt, counted, countedPlex, settings } = sides!;
    const activityKey = `sync.traktActivities.${trakt.accountId}`;
    const settledKey = `sync.traktSettled.${trakt.accountId}`;
    // Taken before reading: a run that stops half-way leaves no note, and the next one plans.
    const quietNote = await takeQuietNote(deps.db, plex.machineIdentifier, trakt.accountId);
    await setPhase('plex', start.full ? 'reading the whole Plex library' : 'reading what changed in Plex');
    const plexResult = await readPlex(deps.db, deps.sqlite, countedPlex, {
      runId,
      full: start.full,
      pageSize: opts.plexPageSize,
      shouldStop,
      onPage: (scanned, total) => {
        counts.scanned = scanned;
        counts.scan_total = total;
        void flush();
      },
    });
    // A walk cut short did not move the markers (readPlex): the next run reads what this one did not.
    if (shouldStop()) throw new UserFacingError(lost ? 'This run lost its lock to another process and stopped; the next run finishes the job.' : 'The service was shutting down, so this run stopped early; the next run finishes the job.');
    if (plexResult.walked.length) log.info({ walked: plexResult.walked }, `Plex: read whole: ${plexResult.walked.join('; ')}`);
    log.info({ scanned: plexResult.scanned, sections: plexResult.sections, requests: plexResult.requests }, `Plex: ${plexResult.scanned} items read from ${plexResult.sections} sections`);

    await setPhase('trakt', 'reading Trakt watched history and ratings');
    const previous = await getSetting<Activities>(deps.db, activityKey);
    const settled = await getSetting<SettledMarks>(deps.db, settledKey);
    const traktResult = await mirrorTrakt(deps.sqlite, counted, { full: start.full, previous, settled });
    log.info({ fetched: traktResult.fetched, skipped: traktResult.skipped }, `Trakt: ${traktResult.watchedRows} watched and ${traktResult.ratingRows} rated items read; unchanged lists skipped: ${traktResult.skipped.join(', ') || 'none'}`);

    if (opts.refreshHistory) {
      try {
        await opts.refreshHistory(trakt.accountId);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'the Trakt history mirror could not be refreshed; episodes are matched with what it has');
      }
    }
    await setPhase('planning', 'planning');
    const unchanged = !start.full && plexResult.changed === 0 && traktResult.fetched.length === 0 && traktResult.resetShows.length === 0;
    const { plan, skipped } = planUnlessQuiet(quiet!, quietNote, unchanged, () => planNow({ resetShows: traktResult.resetShows, full: start.full }));
    if (skipped) log.info('nothing changed since the last plan, which was empty: not planned again');
    counts.planned_writes = plannedWrites(plan);
    const seen = watchedCounts(deps.sqlite, trakt.accountId, plex.machineIdentifier);
    await updateRun(deps.db, runId, { plan: JSON.stringify(planSummary(plan)), plex_watched: seen.plex, trakt_watched: seen.trakt });
    log.info(
      { toTrakt: plan.toTrakt.length, toPlex: plan.toPlex.length, fromTrakt: plan.fromTrakt.length, unwatchInPlex: plan.unwatchInPlex.length, ratingsToTrakt: plan.ratingsToTrakt.length, ratingsToPlex: plan.ratingsToPlex.length, alreadySent: plan.skippedRecorded, notFoundBefore: plan.skippedNotFound, unmatched: plan.unmatched },
      `plan: ${plan.toTrakt.length} plays to Trakt, ${plan.toPlex.length} to mark watched in Plex, ${plan.ratingsToTrakt.length + plan.ratingsToPlex.length} ratings` +
        (settings.mirrorUnwatch ? `, ${plan.fromTrakt.length} to remove from Trakt history, ${plan.unwatchInPlex.length} to mark unwatched in Plex` : ''),
    );
    if (!start.dryRun && !start.approve && opts.guard) {
      const reasons = guardReasons(plan, seen, await lastWrittenCounts(deps.db, runId), opts.guard);
      if (reasons.length) {
        savePlan(deps.sqlite, runId, plan);
        // Nothing was written, so Trakt's lists need no fresh read next time: keep what was read.
        const after = await activitiesAfterRun(counted, traktResult, {}, undefined, log, settled);
        await setSetting(deps.db, activityKey, after.activities);
        await setSetting(deps.db, settledKey, after.settled);
        await updateRun(deps.db, runId, { guard: JSON.stringify({ reasons, heldAt: Date.now() }) });
        held = reasons;
        return undefined;
      }
    }
    return { plan, mirrored: traktResult, settled };
  };
  let held: string[] | undefined;
  let quiet: QuietContext | undefined;
  const planNow = (extras: PlanExtras = {}) => {
    remapEpisodeNumbering(deps.sqlite, quiet!.serverId, quiet!.accountId);
    return computePlan(deps.sqlite, quiet!.accountId, quiet!.serverId, quiet!.settings, extras);
  };
  let sides: { plex: SyncPlex; trakt: SyncTrakt; counted: SyncTrakt; countedPlex: SyncPlex; settings: Awaited<ReturnType<typeof getSyncSettings>> } | undefined;

  let status: SyncRunStatus = 'succeeded';
  let error: string | null = null;
  try {
    log.info({ trigger: start.trigger, dryRun: !!start.dryRun, fullWalk: start.full }, `sync run ${runId} started${start.dryRun ? ' (dry run: nothing is written)' : ''}`);
    const settings = await getSyncSettings(deps.db);
    const plex = await ports.plex();
    if (!plex) throw new UserFacingError('Plex is not connected. Sign in with Plex in Settings, then run the sync again.');
    const trakt = await ports.trakt();
    if (!trakt) throw new UserFacingError('Trakt is not connected. Connect your Trakt account in Settings, then run the sync again.');
    const counted = countingTrakt(trakt, counts);
    const countedPlex = countingPlex(plex, counts);
    sides = { plex, trakt, counted, countedPlex, settings };
    quiet = { sqlite: deps.sqlite, accountId: trakt.accountId, serverId: plex.machineIdentifier, settings };

    if (!start.dryRun) {
      await setPhase('settling', 'settling writes an earlier run left unfinished');
      // Only what earlier runs left: the event worker's rows may be in flight right now (it
      // settles its own), and this run has written nothing yet.
      const settled = await settleIntents(deps.db, counted.probe, { accountId: trakt.accountId, source: 'sync', exceptRunId: runId });
      if (settled.found + settled.absent + settled.other + settled.skipped > 0) log.info(settled, 'settled unfinished writes against Trakt history');
      const plexSettled = await settlePlexIntents(deps.db, (k) => countedPlex.itemState(k), runId);
      if (plexSettled.found + plexSettled.interrupted > 0) log.info(plexSettled, `Plex was read for ${plexSettled.found + plexSettled.interrupted} write(s) an earlier run left unanswered: ${plexSettled.found} had landed, ${plexSettled.interrupted} are planned again`);
    }

    const activityKey = `sync.traktActivities.${trakt.accountId}`;
    const settledKey = `sync.traktSettled.${trakt.accountId}`;
    let mirrored: TraktMirrorResult;
    let settledMarks: SettledMarks | undefined;
    let plan: Plan;
    if (heldSince !== undefined) {
      plan = await withoutRecordedPlays(deps.db, trakt.accountId, loadPlan(deps.sqlite, runId));
      // Approved later: Trakt is not read again; what the last read kept stands in for this run's read.
      const kept = (await getSetting<Activities>(deps.db, activityKey)) ?? {};
      mirrored = { gets: 0, fetched: ['approved plan'], skipped: [], watchedRows: 0, ratingRows: 0, activities: kept, resetShows: [], serverTime: Date.now() };
      settledMarks = await getSetting<SettledMarks>(deps.db, settledKey);
      counts.planned_writes = plannedWrites(plan);
      log.info({ writes: counts.planned_writes }, `sync run ${runId} approved: writing the plan it was held with`);
    } else {
      const read = await readAndPlan();
      plan = read?.plan as Plan;
      mirrored = read?.mirrored as TraktMirrorResult;
      settledMarks = read?.settled;
    }
    let written: Written = {};

    if (held) {
      status = 'awaiting_approval';
      error = `The guard held this run before it wrote anything. ${held.join(' ')} Approve it to write its plan, or discard it.`;
      await supersedeHeldRuns(deps.db, runId);
      log.warn({ reasons: held }, `sync run ${runId} waits for approval: nothing was written`);
    } else if (start.dryRun) {
      await setPhase('done', 'dry run: the plan above was not written');
    } else {
      await setPhase('writing', 'writing');
      written = await writePlan(
        { db: deps.db, sqlite: deps.sqlite, log: deps.log, runId, trakt: counted, plex: countedPlex, counts, batchSize: opts.batchSize, writeGapMs: opts.writeGapMs, plexConcurrency: opts.plexConcurrency, shouldStop, onProgress: () => void flush() },
        plan,
      );
      if (lost) throw new UserFacingError('This run lost its lock to another process and stopped; the next run finishes the job.');
      if (stopper.stopped) throw new UserFacingError('The service was shutting down, so this run stopped early; the next run finishes the job.');
      // Writes Trakt refused as unknown are writes that did not happen: the run says so.
      if (counts.writes_done < counts.planned_writes || counts.errors > 0 || counts.not_found > 0) status = 'partial';
      const plannedRemovals = [...plan.fromTrakt, ...plan.unwatchInPlex].map((i) => i.itemKey);
      updateWatchBaseline(deps.sqlite, { serverId: plex.machineIdentifier, accountId: trakt.accountId, on: settings.mirrorUnwatch, runId, plannedRemovals });
      // What the next run's guard compares with: both sides as this run leaves them.
      const left = watchedCounts(deps.sqlite, trakt.accountId, plex.machineIdentifier);
      await updateRun(deps.db, runId, { plex_watched: left.plex, trakt_watched: left.trakt });
      if (plan.toPlex.length + plan.unwatchInPlex.length + plan.ratingsToPlex.length > 0) await readPlexAfterWrites(deps, countedPlex, runId, opts.plexPageSize, log);
      if (heldSince !== undefined) dropPlan(deps.sqlite, runId);
      await supersedeHeldRuns(deps.db, runId, true);
    }

    if (!held) {
      const after = await activitiesAfterRun(counted, mirrored, written, opts.refreshHistory, log, settledMarks);
      await setSetting(deps.db, activityKey, after.activities);
      await setSetting(deps.db, settledKey, after.settled);
      if (status === 'succeeded' && (await noteQuietEnd(deps.db, quiet, plan, !start.dryRun && plannedWrites(plan) > 0, () => planNow()))) log.info('nothing left to do: the next run plans only if something changes');
    }
    // The same number the Unmatched page shows, counted after this run's own not_found answers.
    counts.unmatched = await countUnmatched(deps.db);
    if (status === 'partial') error = partialSentence(counts);
    await setPhase('done', `sync run ${runId} ${status}`);
  } catch (err) {
    status = 'failed';
    error = err instanceof UserFacingError ? err.message : `The sync stopped: ${err instanceof Error ? err.message : String(err)}. The next run picks up where this one stopped.`;
    log.error({ err: err instanceof Error ? err.message : String(err) }, error);
  } finally {
    clearInterval(heartbeat);
    await flushing;
    const finishedAt = Date.now();
    await updateRun(deps.db, runId, { ...counts, phase: 'done', status, error, finished_at: finishedAt, heartbeat_at: finishedAt });
    await lease.release().catch(() => undefined);
    await pruneRuns(deps.db).catch(() => undefined);
    runsTotal.inc({ status });
    runSeconds.observe((finishedAt - startedAt) / 1000, { status });
    log.info({ status, ...counts, ms: finishedAt - startedAt }, `sync run ${runId} finished: ${status}`);
  }
  const row = (await getRun(deps.db, runId))!;
  raiseRunOutcome(opts.notifier, row);
  if (start.trigger === 'schedule') opts.ping?.finished(runId, row.status);
  opts.onProgress?.(row);
  return row;
}

export class UserFacingError extends Error {}

/**
 * Plex stamps each mark with its own "now", so the marks a run made are after its read's
 * markers: read them here, once, so the next run starts after them and is quiet. They cannot
 * be skipped unread: someone may have watched or un-watched something else in the same
 * seconds. After the watch baseline, so a change made by hand meanwhile is still a change.
 */
async function readPlexAfterWrites(deps: RunnerDeps, plex: SyncPlex, runId: number, pageSize: number | undefined, log: Logger): Promise<void> {
  try {
    const again = await readPlex(deps.db, deps.sqlite, plex, { runId, full: false, pageSize });
    log.info({ scanned: again.scanned, requests: again.requests, walked: again.walked }, `Plex read again after this run's writes: ${again.scanned} items`);
  } catch (err) {
    // The writes stand; the next run reads from the markers of this run's first read.
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'Plex could not be read again after the writes; the next run reads what changed');
  }
}

function partialSentence(counts: Pick<Counts, 'errors' | 'not_found'>): string {
  const parts: string[] = [];
  if (counts.not_found) parts.push(`Trakt did not know ${counts.not_found} item(s): they are on the Unmatched page, and Trakt is asked again after a day or by a full sync`);
  if (counts.errors) parts.push(`${counts.errors} item(s) could not be written; the next run tries them again`);
  return parts.length ? `${parts.join('. ')}.` : 'Not every planned write was done; the next run tries again.';
}

function countingTrakt(trakt: SyncTrakt, counts: Counts): SyncTrakt {
  return {
    accountId: trakt.accountId,
    get: async (path: string) => {
      counts.trakt_gets++;
      return trakt.get(path);
    },
    post: async (path: string, body: unknown) => {
      counts.trakt_writes++;
      return trakt.post(path, body);
    },
    probe: trakt.probe,
  };
}

function countingPlex(plex: SyncPlex, counts: Counts): SyncPlex {
  return {
    machineIdentifier: plex.machineIdentifier,
    sections: async () => (counts.plex_requests++, plex.sections()),
    items: async (...a) => (counts.plex_requests++, plex.items(...a)),
    markWatched: async (k) => (counts.plex_requests++, plex.markWatched(k)),
    markUnwatched: async (k) => (counts.plex_requests++, plex.markUnwatched(k)),
    rate: async (k, r) => (counts.plex_requests++, plex.rate(k, r)),
    itemState: async (k) => (counts.plex_requests++, plex.itemState(k)),
  };
}
