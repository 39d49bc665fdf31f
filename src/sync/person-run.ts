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
import { readPlex } from './mirror-plex.js';
import { mirrorTrakt, type Activities, type SettledMarks, type TraktMirrorResult } from './mirror-trakt.js';
import { remapEpisodeNumbering } from './numbering.js';
import { computePlan, plannedWrites, type Plan, type PlanExtras } from './plan.js';
import { noteQuietEnd, planUnlessQuiet, takeQuietNote, type QuietContext } from './quiet-plan.js';
import { dropPlan, planKeys } from './plan-store.js';
import type { PersonSides, SyncPlex, SyncTrakt } from './ports.js';
import { lastWrittenCountsOf, type PersonRun } from './run-people.js';
import type { RunnerDeps, RunnerOptions, StartOptions } from './run.js';
import { getSyncSettings } from './settings.js';
import { updateWatchBaseline } from './watch-baseline.js';
import { withoutRecordedPlays, writePlan, type RunCounts, type Written } from './write-plan.js';

/** A sentence for the user; the run says it as it is. */
export class UserFacingError extends Error {}

export const LOST_LOCK = 'This run lost its lock to another process and stopped; the next run finishes the job.';
export const SHUTTING_DOWN = 'The service was shutting down, so this run stopped early; the next run finishes the job.';

export interface PersonRunContext {
  deps: RunnerDeps;
  opts: RunnerOptions;
  runId: number;
  start: StartOptions & { full: boolean };
  /** When the run started. */
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
  const quiet: QuietContext = { sqlite: deps.sqlite, accountId: trakt.accountId, serverId: plex.machineIdentifier, settings, ref: { runId, person } };
  // The plan goes into this person's rows of the plan table as it is computed (plan-store.ts);
  // planning again replaces them. What comes back is its size.
  const planNow = (extras: PlanExtras = {}) => {
    remapEpisodeNumbering(deps.sqlite, quiet.serverId, quiet.accountId);
    return computePlan(deps.sqlite, quiet.ref, quiet.accountId, quiet.serverId, settings, extras);
  };
  /** An empty plan (after the writes, planned again) lets the next run skip planning when nothing changed. */
  const noteIfQuiet = async (wrote: boolean) => {
    if (shortfall(counts) !== null) return;
    if (await noteQuietEnd(deps.db, quiet, plan, wrote, () => planNow())) log.info(`nothing left to do for ${entry.name}: the next run plans only if something changes`);
  };
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
    // The held plan is this person's rows of the plan table; plays the ledger got meanwhile are dropped in SQL.
    const ref = { runId, person };
    plan = { ...ref, counts: withoutRecordedPlays(deps.sqlite, trakt.accountId, ref), skippedRecorded: 0, skippedNotFound: 0, unmatched: 0 };
    // Approved later: Trakt is not read again; what the last read kept stands in for this run's read.
    const kept = (await getSetting<Activities>(deps.db, activityKey)) ?? {};
    mirrored = { gets: 0, fetched: ['approved plan'], skipped: [], watchedRows: 0, ratingRows: 0, activities: kept, resetShows: [], serverTime: Date.now() };
    settledMarks = await getSetting<SettledMarks>(deps.db, settledKey);
    counts.planned_writes = plannedWrites(plan);
    log.info({ writes: counts.planned_writes }, `sync run ${runId} approved: writing the plan ${entry.name}'s part was held with`);
  } else {
    await ctx.setPhase('plex', start.full ? `reading ${entry.name}'s whole Plex library` : `reading what changed in ${entry.name}'s Plex library`);
    // Taken before reading: a part that stops half-way leaves no note, and the next run plans.
    const quietNote = await takeQuietNote(deps.db, quiet.serverId, quiet.accountId);
    const plexResult = await readPlex(deps.db, deps.sqlite, plex, {
      runId,
      full: start.full,
      pageSize: ctx.opts.plexPageSize,
      shouldStop,
      onPage: (scanned, total) => {
        counts.scanned = scanned;
        counts.scan_total = total;
        void ctx.flush();
      },
    });
    // A read cut short did not move the markers (readPlex): the next run reads what this one did not.
    stopIfAsked();
    if (plexResult.walked.length) log.info({ walked: plexResult.walked }, `Plex: read whole: ${plexResult.walked.join('; ')}`);
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
    const unchanged = !start.full && plexResult.changed === 0 && mirrored.fetched.length === 0 && mirrored.resetShows.length === 0;
    const decided = planUnlessQuiet(quiet, quietNote, unchanged, () => planNow({ resetShows: mirrored.resetShows, full: start.full }));
    plan = decided.plan;
    if (decided.skipped) log.info(`nothing changed for ${entry.name} since the last plan, which was empty: not planned again`);
    const n = plan.counts;
    counts.planned_writes = plannedWrites(plan);
    const seen = watchedCounts(deps.sqlite, trakt.accountId, plex.machineIdentifier);
    entry.plexWatched = seen.plex;
    entry.traktWatched = seen.trakt;
    await ctx.onPlan(plan);
    log.info(
      { ...n, alreadySent: plan.skippedRecorded, notFoundBefore: plan.skippedNotFound, unmatched: plan.unmatched },
      `plan for ${entry.name}: ${n.toTrakt} plays to Trakt, ${n.toPlex} to mark watched in Plex, ${n.ratingsToTrakt + n.ratingsToPlex} ratings` +
        (settings.mirrorUnwatch ? `, ${n.fromTrakt} to remove from Trakt history, ${n.unwatchInPlex} to mark unwatched in Plex` : ''),
    );
    if (!start.dryRun && !start.approve && ctx.opts.guard) {
      const reasons = guardReasons(plan, seen, await lastWrittenCountsOf(deps.db, runId, person), ctx.opts.guard);
      if (reasons.length) {
        // The plan stays in its table: the run's page shows it, and approval writes it.
        // Nothing was written, so Trakt's lists need no fresh read next time: keep what was read.
        const after = await activitiesAfterRun(trakt, mirrored, {}, undefined, log, settledMarks);
        await setSetting(deps.db, activityKey, after.activities);
        await setSetting(deps.db, settledKey, after.settled);
        return { held: reasons };
      }
    }
    if (start.dryRun) {
      log.info(`dry run: the plan for ${entry.name} was not written`);
      dropPlan(deps.sqlite, runId, person);
      const after = await activitiesAfterRun(trakt, mirrored, {}, ctx.opts.refreshHistory, log, settledMarks);
      await setSetting(deps.db, activityKey, after.activities);
      await setSetting(deps.db, settledKey, after.settled);
      await noteIfQuiet(false);
      return { written: true };
    }
  }

  await ctx.setPhase('writing', `writing for ${entry.name}`);
  const written: Written = await writePlan(
    { db: deps.db, sqlite: deps.sqlite, log: deps.log, runId, trakt, plex, counts, batchSize: ctx.opts.batchSize, writeGapMs: ctx.opts.writeGapMs, plexConcurrency: ctx.opts.plexConcurrency, shouldStop, onProgress: () => void ctx.flush() },
    plan,
  );
  stopIfAsked();
  const plannedRemovals = planKeys(deps.sqlite, plan, ['fromTrakt', 'unwatchInPlex']);
  // Written: this person's plan is done with (a held run's page shows only what waits).
  dropPlan(deps.sqlite, runId, person);
  updateWatchBaseline(deps.sqlite, { serverId: plex.machineIdentifier, accountId: trakt.accountId, on: settings.mirrorUnwatch, runId, plannedRemovals });
  // What this person's next guard compares with: both sides as this run leaves them.
  const left = watchedCounts(deps.sqlite, trakt.accountId, plex.machineIdentifier);
  entry.plexWatched = left.plex;
  entry.traktWatched = left.trakt;
  if (plan.counts.toPlex + plan.counts.unwatchInPlex + plan.counts.ratingsToPlex > 0) await readPlexAfterWrites(ctx, plex);
  const after = await activitiesAfterRun(trakt, mirrored, written, ctx.opts.refreshHistory, log, settledMarks);
  await setSetting(deps.db, activityKey, after.activities);
  await setSetting(deps.db, settledKey, after.settled);
  await noteIfQuiet(plannedWrites(plan) > 0);
  // Planned again to see what is left: done with too.
  dropPlan(deps.sqlite, runId, person);
  return { written: true };
}

/**
 * Plex stamps each mark with its own "now", so the marks a run made are after its read's
 * markers: read them here, once, so the next run starts after them and is quiet. They cannot
 * be skipped unread: someone may have watched or un-watched something else in the same
 * seconds. After the watch baseline, so a change made by hand meanwhile is still a change.
 */
async function readPlexAfterWrites(ctx: PersonRunContext, plex: SyncPlex): Promise<void> {
  try {
    const again = await readPlex(ctx.deps.db, ctx.deps.sqlite, plex, { runId: ctx.runId, full: false, pageSize: ctx.opts.plexPageSize });
    ctx.log.info({ scanned: again.scanned, requests: again.requests, walked: again.walked }, `Plex read again after the writes for ${ctx.entry.name}: ${again.scanned} items`);
  } catch (err) {
    // The writes stand; the next run reads from the markers of this run's first read.
    ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'Plex could not be read again after the writes; the next run reads what changed');
  }
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
