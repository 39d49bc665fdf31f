/**
 * One person's part of a run: settle what an earlier run left for them, mirror their Plex state
 * (read with their own token, kept under their scope), mirror their Trakt account, plan in SQL,
 * ask the guard, write, and keep their Trakt activity times. Everything it touches is keyed by
 * their scope or their Trakt account, so one person's part never reads or writes another's.
 */
import { getSetting, setSetting } from '../db/repos/settings.js';
import type { SyncPhase } from '../db/tables/sync.js';
import { settleIntents, settlePlexIntents } from '../ledger/settle-intents.js';
import type { Logger } from '../log/logger.js';
import { activitiesAfterRun } from './activities-after.js';
import { guardReasons, watchedCounts } from './guard.js';
import { mirrorPlexLibrary } from './mirror-plex.js';
import { mirrorTrakt, type Activities, type SettledMarks, type TraktMirrorResult } from './mirror-trakt.js';
import { remapEpisodeNumbering } from './numbering.js';
import { computePlan, type Plan } from './plan.js';
import { loadPlan, savePlan } from './plan-store.js';
import type { PersonSides, SyncPlex, SyncTrakt } from './ports.js';
import { lastWrittenCountsOf, type PersonRun } from './run-people.js';
import type { RunnerDeps, RunnerOptions, StartOptions } from './run.js';
import { getSyncSettings } from './settings.js';
import { updateWatchBaseline } from './watch-baseline.js';
import { plannedWrites, withoutRecordedPlays, writePlan, type RunCounts, type Written } from './write-plan.js';

const INCREMENTAL_SLACK_MS = 5 * 60 * 1000;

/** A sentence for the user; the run says it as it is. */
export class UserFacingError extends Error {}

export const LOST_LOCK = 'This run lost its lock to another process and stopped; the next run finishes the job.';
export const SHUTTING_DOWN = 'The service was shutting down, so this run stopped early; the next run finishes the job.';

export interface PersonRunContext {
  deps: RunnerDeps;
  opts: RunnerOptions;
  runId: number;
  start: StartOptions & { full: boolean };
  /** When the run started (the Plex marker moves to it). */
  startedAt: number;
  log: Logger;
  /** This person's record in the run; its counts move as the work goes. */
  entry: PersonRun;
  sides: PersonSides;
  /** Approving a held run: this person's held plan is written; nothing is read again. */
  approving: boolean;
  stopped(): 'lost' | 'shutdown' | null;
  flush(force?: boolean): Promise<void>;
  setPhase(p: SyncPhase, msg: string): Promise<void>;
  /** This person's plan, once made (the run's page shows every person's plans as one). */
  onPlan(plan: Plan): Promise<void>;
}

export type PersonOutcome = { held: string[] } | { written: true };

export async function runPerson(ctx: PersonRunContext): Promise<PersonOutcome> {
  const { deps, runId, start, entry } = ctx;
  const counts = entry.counts;
  const person = entry.plexAccountId;
  const trakt = countingTrakt(ctx.sides.trakt, counts);
  const plex = countingPlex(ctx.sides.plex, counts);
  const log = ctx.log;
  const settings = await getSyncSettings(deps.db);
  const activityKey = `sync.traktActivities.${trakt.accountId}`;
  const settledKey = `sync.traktSettled.${trakt.accountId}`;
  const shouldStop = () => ctx.stopped() !== null;
  const stopIfAsked = () => {
    const why = ctx.stopped();
    if (why) throw new UserFacingError(why === 'lost' ? LOST_LOCK : SHUTTING_DOWN);
  };

  if (!start.dryRun) {
    await ctx.setPhase('settling', `settling writes an earlier run left unfinished for ${entry.name}`);
    // Only what earlier runs left for this person's accounts: the event worker settles its own.
    const settled = await settleIntents(deps.db, trakt.probe, { accountId: trakt.accountId, source: 'sync', exceptRunId: runId });
    if (settled.found + settled.absent + settled.other + settled.skipped > 0) log.info(settled, 'settled unfinished writes against Trakt history');
    const plexSettled = await settlePlexIntents(deps.db, (k) => plex.itemState(k), runId, person);
    if (plexSettled.found + plexSettled.interrupted > 0) log.info(plexSettled, `Plex was read for ${plexSettled.found + plexSettled.interrupted} write(s) an earlier run left unanswered: ${plexSettled.found} had landed, ${plexSettled.interrupted} are planned again`);
  }

  let plan: Plan;
  let mirrored: TraktMirrorResult;
  let settledMarks: SettledMarks | undefined;
  if (ctx.approving) {
    plan = await withoutRecordedPlays(deps.db, trakt.accountId, loadPlan(deps.sqlite, runId, person));
    // Approved later: Trakt is not read again; what the last read kept stands in for this run's read.
    const kept = (await getSetting<Activities>(deps.db, activityKey)) ?? {};
    mirrored = { gets: 0, fetched: ['approved plan'], skipped: [], watchedRows: 0, ratingRows: 0, activities: kept, resetShows: [], serverTime: Date.now() };
    settledMarks = await getSetting<SettledMarks>(deps.db, settledKey);
    counts.planned_writes = plannedWrites(plan);
    log.info({ writes: counts.planned_writes }, `sync run ${runId} approved: writing the plan ${entry.name}'s part was held with`);
  } else {
    await ctx.setPhase('plex', start.full ? `reading ${entry.name}'s whole Plex library` : `reading what changed in ${entry.name}'s Plex library`);
    const plexMarkerKey = `sync.plexMirror.${plex.machineIdentifier}`;
    const marker = await getSetting<{ at: number }>(deps.db, plexMarkerKey);
    const plexResult = await mirrorPlexLibrary(deps.sqlite, plex, {
      runId,
      full: start.full || !marker,
      sinceMs: marker ? marker.at - INCREMENTAL_SLACK_MS : undefined,
      pageSize: ctx.opts.plexPageSize,
      shouldStop,
      onPage: (scanned, total) => {
        counts.scanned = scanned;
        counts.scan_total = total;
        void ctx.flush();
      },
    });
    // A walk cut short must not move the marker: the next run would skip what was not read.
    stopIfAsked();
    await setSetting(deps.db, plexMarkerKey, { at: ctx.startedAt });
    log.info({ scanned: plexResult.scanned, sections: plexResult.sections, requests: plexResult.requests }, `Plex: ${plexResult.scanned} items read from ${plexResult.sections} sections`);

    await ctx.setPhase('trakt', `reading ${entry.name}'s Trakt watched history and ratings`);
    const previous = await getSetting<Activities>(deps.db, activityKey);
    settledMarks = await getSetting<SettledMarks>(deps.db, settledKey);
    mirrored = await mirrorTrakt(deps.sqlite, trakt, { full: start.full, previous, settled: settledMarks });
    log.info({ fetched: mirrored.fetched, skipped: mirrored.skipped }, `Trakt: ${mirrored.watchedRows} watched and ${mirrored.ratingRows} rated items read; unchanged lists skipped: ${mirrored.skipped.join(', ') || 'none'}`);
    if (ctx.opts.refreshHistory) {
      try {
        await ctx.opts.refreshHistory(trakt.accountId);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'the Trakt history mirror could not be refreshed; episodes are matched with what it has');
      }
    }

    await ctx.setPhase('planning', `planning for ${entry.name}`);
    remapEpisodeNumbering(deps.sqlite, plex.machineIdentifier, trakt.accountId);
    plan = computePlan(deps.sqlite, trakt.accountId, plex.machineIdentifier, settings, { resetShows: mirrored.resetShows, full: start.full });
    counts.planned_writes = plannedWrites(plan);
    const seen = watchedCounts(deps.sqlite, trakt.accountId, plex.machineIdentifier);
    entry.plexWatched = seen.plex;
    entry.traktWatched = seen.trakt;
    await ctx.onPlan(plan);
    log.info(
      { toTrakt: plan.toTrakt.length, toPlex: plan.toPlex.length, fromTrakt: plan.fromTrakt.length, unwatchInPlex: plan.unwatchInPlex.length, ratingsToTrakt: plan.ratingsToTrakt.length, ratingsToPlex: plan.ratingsToPlex.length, alreadySent: plan.skippedRecorded, notFoundBefore: plan.skippedNotFound, unmatched: plan.unmatched },
      `plan for ${entry.name}: ${plan.toTrakt.length} plays to Trakt, ${plan.toPlex.length} to mark watched in Plex, ${plan.ratingsToTrakt.length + plan.ratingsToPlex.length} ratings` +
        (settings.mirrorUnwatch ? `, ${plan.fromTrakt.length} to remove from Trakt history, ${plan.unwatchInPlex.length} to mark unwatched in Plex` : ''),
    );
    if (!start.dryRun && !start.approve && ctx.opts.guard) {
      const reasons = guardReasons(plan, seen, await lastWrittenCountsOf(deps.db, runId, person), ctx.opts.guard);
      if (reasons.length) {
        savePlan(deps.sqlite, runId, plan, person);
        // Nothing was written, so Trakt's lists need no fresh read next time: keep what was read.
        const after = await activitiesAfterRun(trakt, mirrored, {}, undefined, log, settledMarks);
        await setSetting(deps.db, activityKey, after.activities);
        await setSetting(deps.db, settledKey, after.settled);
        return { held: reasons };
      }
    }
    if (start.dryRun) {
      log.info(`dry run: the plan for ${entry.name} was not written`);
      const after = await activitiesAfterRun(trakt, mirrored, {}, ctx.opts.refreshHistory, log, settledMarks);
      await setSetting(deps.db, activityKey, after.activities);
      await setSetting(deps.db, settledKey, after.settled);
      return { written: true };
    }
  }

  await ctx.setPhase('writing', `writing for ${entry.name}`);
  const written: Written = await writePlan(
    { db: deps.db, sqlite: deps.sqlite, log: deps.log, runId, trakt, plex, counts, batchSize: ctx.opts.batchSize, writeGapMs: ctx.opts.writeGapMs, plexConcurrency: ctx.opts.plexConcurrency, shouldStop, onProgress: () => void ctx.flush() },
    plan,
  );
  stopIfAsked();
  const plannedRemovals = [...plan.fromTrakt, ...plan.unwatchInPlex].map((i) => i.itemKey);
  updateWatchBaseline(deps.sqlite, { serverId: plex.machineIdentifier, accountId: trakt.accountId, on: settings.mirrorUnwatch, runId, plannedRemovals });
  // What this person's next guard compares with: both sides as this run leaves them.
  const left = watchedCounts(deps.sqlite, trakt.accountId, plex.machineIdentifier);
  entry.plexWatched = left.plex;
  entry.traktWatched = left.trakt;
  const after = await activitiesAfterRun(trakt, mirrored, written, ctx.opts.refreshHistory, log, settledMarks);
  await setSetting(deps.db, activityKey, after.activities);
  await setSetting(deps.db, settledKey, after.settled);
  return { written: true };
}

/** Whether a person's written part missed something (what did not happen, as a sentence), or null. */
export function shortfall(counts: Pick<RunCounts, 'writes_done' | 'planned_writes' | 'errors' | 'not_found'>): string | null {
  if (counts.writes_done >= counts.planned_writes && counts.errors === 0 && counts.not_found === 0) return null;
  const parts: string[] = [];
  if (counts.not_found) parts.push(`Trakt did not know ${counts.not_found} item(s): they are on the Unmatched page, and Trakt is asked again after a day or by a full sync`);
  if (counts.errors) parts.push(`${counts.errors} item(s) could not be written; the next run tries them again`);
  return parts.length ? `${parts.join('. ')}.` : 'Not every planned write was done; the next run tries again.';
}

function countingTrakt(trakt: SyncTrakt, counts: RunCounts): SyncTrakt {
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

function countingPlex(plex: SyncPlex, counts: RunCounts): SyncPlex {
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
