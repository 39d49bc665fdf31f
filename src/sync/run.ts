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
import { createRun, getRun, lastFullWalkAt, markInterruptedRuns, pruneRuns, updateRun } from '../db/repos/sync-runs.js';
import type { SyncPhase, SyncRunRow, SyncRunStatus, SyncTrigger } from '../db/tables/sync.js';
import { settleIntents, settlePlexIntents } from '../ledger/settle-intents.js';
import type { Logger } from '../log/logger.js';
import { metrics } from '../metrics/registry.js';
import { mirrorPlexLibrary } from './mirror-plex.js';
import { mirrorTrakt, pickActivities, serverTimeOf, traktCount, type Activities, type SettledMarks, type TraktMirrorResult } from './mirror-trakt.js';
import { remapEpisodeNumbering } from './numbering.js';
import { computePlan, plannedWrites, planSummary } from './plan.js';
import { clearPlanTable, planKeys, planSource } from './plan-store.js';
import { countUnmatched } from '../db/repos/sync-unmatched.js';
import type { SyncPlex, SyncPorts, SyncTrakt } from './ports.js';
import { getSyncSettings } from './settings.js';
import { updateWatchBaseline } from './watch-baseline.js';
import { writePlex } from './write-plex.js';
import { writeTraktBatches, type TraktWriteKind, type TraktWriteResult } from './write-trakt.js';
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
const INCREMENTAL_SLACK_MS = 5 * 60 * 1000;

interface Counts {
  scanned: number;
  scan_total: number;
  planned_writes: number;
  writes_done: number;
  added_to_trakt: number;
  marked_in_plex: number;
  removed_from_trakt: number;
  unwatched_in_plex: number;
  ratings_to_trakt: number;
  ratings_to_plex: number;
  unmatched: number;
  not_found: number;
  errors: number;
  plex_requests: number;
  trakt_gets: number;
  trakt_writes: number;
}

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
): Promise<SyncRunRow> {
  const log = deps.log.child({ component: 'sync', runId });
  const startedAt = Date.now();
  const counts: Counts = {
    scanned: 0, scan_total: 0, planned_writes: 0, writes_done: 0, added_to_trakt: 0, marked_in_plex: 0, removed_from_trakt: 0, unwatched_in_plex: 0, ratings_to_trakt: 0,
    ratings_to_plex: 0, unmatched: 0, not_found: 0, errors: 0, plex_requests: 0, trakt_gets: 0, trakt_writes: 0,
  };
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

  let status: SyncRunStatus = 'succeeded';
  let error: string | null = null;
  const written: Written = {};
  try {
    log.info({ trigger: start.trigger, dryRun: !!start.dryRun, fullWalk: start.full }, `sync run ${runId} started${start.dryRun ? ' (dry run: nothing is written)' : ''}`);
    const settings = await getSyncSettings(deps.db);
    const plex = await ports.plex();
    if (!plex) throw new UserFacingError('Plex is not connected. Sign in with Plex in Settings, then run the sync again.');
    const trakt = await ports.trakt();
    if (!trakt) throw new UserFacingError('Trakt is not connected. Connect your Trakt account in Settings, then run the sync again.');
    const counted = countingTrakt(trakt, counts);
    const countedPlex = countingPlex(plex, counts);

    if (!start.dryRun) {
      await setPhase('settling', 'settling writes an earlier run left unfinished');
      // Only what earlier runs left: the event worker's rows may be in flight right now (it
      // settles its own), and this run has written nothing yet.
      const settled = await settleIntents(deps.db, counted.probe, { accountId: trakt.accountId, source: 'sync', exceptRunId: runId });
      if (settled.found + settled.absent + settled.other + settled.skipped > 0) log.info(settled, 'settled unfinished writes against Trakt history');
      const plexSettled = await settlePlexIntents(deps.db, (k) => countedPlex.itemState(k), runId);
      if (plexSettled.found + plexSettled.interrupted > 0) log.info(plexSettled, `Plex was read for ${plexSettled.found + plexSettled.interrupted} write(s) an earlier run left unanswered: ${plexSettled.found} had landed, ${plexSettled.interrupted} are planned again`);
    }

    await setPhase('plex', start.full ? 'reading the whole Plex library' : 'reading what changed in Plex');
    const plexMarkerKey = `sync.plexMirror.${plex.machineIdentifier}`;
    const marker = await getSetting<{ at: number }>(deps.db, plexMarkerKey);
    const fullPlex = start.full || !marker;
    const plexResult = await mirrorPlexLibrary(deps.sqlite, countedPlex, {
      runId,
      full: fullPlex,
      sinceMs: marker ? marker.at - INCREMENTAL_SLACK_MS : undefined,
      pageSize: opts.plexPageSize,
      shouldStop,
      onPage: (scanned, total) => {
        counts.scanned = scanned;
        counts.scan_total = total;
        void flush();
      },
    });
    // A walk cut short must not move the marker: the next run would skip what was not read.
    if (shouldStop()) throw new UserFacingError(lost ? 'This run lost its lock to another process and stopped; the next run finishes the job.' : 'The service was shutting down, so this run stopped early; the next run finishes the job.');
    await setSetting(deps.db, plexMarkerKey, { at: startedAt });
    log.info({ scanned: plexResult.scanned, sections: plexResult.sections, requests: plexResult.requests }, `Plex: ${plexResult.scanned} items read from ${plexResult.sections} sections`);

    await setPhase('trakt', 'reading Trakt watched history and ratings');
    const activityKey = `sync.traktActivities.${trakt.accountId}`;
    const settledKey = `sync.traktSettled.${trakt.accountId}`;
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
    remapEpisodeNumbering(deps.sqlite, plex.machineIdentifier, trakt.accountId);
    const plan = computePlan(deps.sqlite, trakt.accountId, plex.machineIdentifier, settings, { resetShows: traktResult.resetShows, full: start.full });
    const n = plan.counts;
    counts.planned_writes = plannedWrites(plan);
    await updateRun(deps.db, runId, { plan: JSON.stringify(planSummary(deps.sqlite, plan)) });
    log.info(
      { ...n, alreadySent: plan.skippedRecorded, notFoundBefore: plan.skippedNotFound, unmatched: plan.unmatched },
      `plan: ${n.toTrakt} plays to Trakt, ${n.toPlex} to mark watched in Plex, ${n.ratingsToTrakt + n.ratingsToPlex} ratings` +
        (settings.mirrorUnwatch ? `, ${n.fromTrakt} to remove from Trakt history, ${n.unwatchInPlex} to mark unwatched in Plex` : ''),
    );

    if (start.dryRun) {
      await setPhase('done', 'dry run: the plan above was not written');
    } else {
      await setPhase('writing', 'writing');
      const tctx = {
        db: deps.db, sqlite: deps.sqlite, trakt: counted, serverId: plex.machineIdentifier, runId, log: deps.log,
        batchSize: Math.min(250, Math.max(1, opts.batchSize ?? 250)), shouldStop, gapAfterAnswerMs: opts.writeGapMs,
        onBatch: (n: number, soFar: { sent: number }) => {
          counts.writes_done += n;
          if (writing === 'history') counts.added_to_trakt = soFar.sent;
          else if (writing === 'remove') counts.removed_from_trakt = soFar.sent;
          else counts.ratings_to_trakt = soFar.sent;
          void flush();
        },
      };
      let writing: TraktWriteKind = 'history';
      const history = await writeTraktBatches(tctx, planSource(deps.sqlite, 'toTrakt'), 'history');
      written.history = history;
      counts.added_to_trakt = history.sent;
      counts.not_found += history.notFound;
      counts.errors += history.failed + history.unanswered;
      writing = 'remove';
      const removed = await writeTraktBatches(tctx, planSource(deps.sqlite, 'fromTrakt'), 'remove');
      written.remove = removed;
      counts.removed_from_trakt = removed.sent;
      counts.errors += removed.failed + removed.unanswered;
      writing = 'ratings';
      const pctx = {
        db: deps.db, sqlite: deps.sqlite, plex: countedPlex, runId, log: deps.log, concurrency: opts.plexConcurrency ?? 4, shouldStop,
        onItem: () => {
          counts.writes_done++;
          void flush();
        },
      };
      const marked = await writePlex(pctx, planSource(deps.sqlite, 'toPlex'), 'watched');
      counts.marked_in_plex = marked.done;
      counts.errors += marked.failed;
      const unwatched = await writePlex(pctx, planSource(deps.sqlite, 'unwatchInPlex'), 'unwatched');
      counts.unwatched_in_plex = unwatched.done;
      counts.errors += unwatched.failed;
      const rt = await writeTraktBatches(tctx, planSource(deps.sqlite, 'ratingsToTrakt'), 'ratings');
      written.ratings = rt;
      counts.ratings_to_trakt = rt.sent;
      counts.not_found += rt.notFound;
      counts.errors += rt.failed + rt.unanswered;
      const rp = await writePlex(pctx, planSource(deps.sqlite, 'ratingsToPlex'), 'rating');
      counts.ratings_to_plex = rp.done;
      counts.errors += rp.failed;
      if (lost) throw new UserFacingError('This run lost its lock to another process and stopped; the next run finishes the job.');
      if (stopper.stopped) throw new UserFacingError('The service was shutting down, so this run stopped early; the next run finishes the job.');
      // Writes Trakt refused as unknown are writes that did not happen: the run says so.
      if (counts.writes_done < counts.planned_writes || counts.errors > 0 || counts.not_found > 0) status = 'partial';
      const plannedRemovals = planKeys(deps.sqlite, ['fromTrakt', 'unwatchInPlex']);
      updateWatchBaseline(deps.sqlite, { serverId: plex.machineIdentifier, accountId: trakt.accountId, on: settings.mirrorUnwatch, runId, plannedRemovals });
    }

    const after = await activitiesAfterRun(counted, traktResult, written, opts.refreshHistory, log, settled);
    await setSetting(deps.db, activityKey, after.activities);
    await setSetting(deps.db, settledKey, after.settled);
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
    clearPlanTable(deps.sqlite);
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

type Written = Partial<Record<TraktWriteKind, TraktWriteResult>>;

/**
 * The activity times to keep for the next run. A run that wrote moves Trakt's own times: it reads
 * `last_activities` once after its writes (and first lets the history mirror take in its plays),
 * with the account's play and rating counts (SettledMarks), so that a next run with nothing
 * changed makes a GET or two instead of re-reading every list.
 * A list with a write whose outcome is still unknown keeps no time (the next run reads it);
 * lists the run did not write keep the times read before its writes, so a change made on
 * trakt.tv meanwhile still shows next time. (A change on trakt.tv to a list we wrote, between our
 * last write and this read, is found by the daily full walk.)
 */
async function activitiesAfterRun(
  trakt: SyncTrakt,
  mirrored: TraktMirrorResult,
  written: Written,
  refreshHistory: RunnerOptions['refreshHistory'],
  log: Logger,
  previous: SettledMarks | undefined,
): Promise<{ activities: Activities; settled: SettledMarks }> {
  const before = mirrored.activities;
  const wrote = (r?: TraktWriteResult) => !!r && r.requests > 0;
  const unsettled = (r?: TraktWriteResult) => !!r && r.unanswered > 0;
  const plays = wrote(written.history) || wrote(written.remove);
  const ratings = wrote(written.ratings);
  // Nothing written and nothing re-read: the counts still hold, now as of this run's read.
  if (!plays && !ratings) {
    const unchanged = mirrored.fetched.length === 0 && previous;
    return { activities: before, settled: { at: mirrored.serverTime, plays: unchanged ? previous.plays : null, ratings: unchanged ? previous.ratings : null } };
  }
  if (plays && refreshHistory) await refreshHistory(trakt.accountId).catch(() => undefined);
  let after: Activities = {};
  const settled: SettledMarks = { at: Date.now(), plays: null, ratings: null };
  try {
    const la = await trakt.get('/sync/last_activities');
    if (la.status !== 200) throw new Error(`Trakt answered ${la.status}`);
    after = pickActivities(la.body);
    settled.at = serverTimeOf(la);
    settled.plays = await traktCount(trakt, 'plays');
    settled.ratings = await traktCount(trakt, 'ratings');
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'Trakt last_activities could not be read after the writes; the next run reads the lists this run wrote');
  }
  const out = { ...before };
  const take = (fields: string[], lost: boolean) => {
    for (const f of fields) out[f] = lost ? null : (after[f] ?? null);
  };
  if (plays) take(['movies.watched_at', 'episodes.watched_at'], unsettled(written.history) || unsettled(written.remove));
  if (ratings) take(['movies.rated_at', 'shows.rated_at', 'episodes.rated_at'], unsettled(written.ratings));
  return { activities: out, settled };
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
