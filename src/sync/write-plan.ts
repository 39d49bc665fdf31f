/**
 * The writing phase of a run: a plan's writes, each a ledger row, in two lanes that run side
 * by side: Trakt (plays, then removals, then ratings, in batches at Trakt's one write a second)
 * and Plex (marks watched, then unwatched, then ratings, item by item at a small concurrency).
 * A run then takes the longer lane's time, not the sum of both. The lanes touch different items
 * (what a removal touches is never added back), keep their own order and ledger rules, and both
 * stop at a stop request. Each lane reads its lists from the plan table a chunk at a time. The
 * counts object is the run's own; it is updated as writes are answered so progress shows live.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { recordedPlaySql } from '../ledger/repo.js';
import type { Logger } from '../log/logger.js';
import type { Plan } from './plan.js';
import { planCounts, planSource, type PlanList } from './plan-store.js';
import type { SyncPlex, SyncTrakt } from './ports.js';
import { writePlex } from './write-plex.js';
import { writeTraktBatches, type TraktWriteKind, type TraktWriteResult } from './write-trakt.js';

/** What each kind of Trakt write did (the run reads Trakt's activity times after its writes from this). */
export type Written = Partial<Record<TraktWriteKind, TraktWriteResult>>;

export interface RunCounts {
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

export const zeroCounts = (): RunCounts => ({
  scanned: 0, scan_total: 0, planned_writes: 0, writes_done: 0, added_to_trakt: 0, marked_in_plex: 0, removed_from_trakt: 0, unwatched_in_plex: 0, ratings_to_trakt: 0,
  ratings_to_plex: 0, unmatched: 0, not_found: 0, errors: 0, plex_requests: 0, trakt_gets: 0, trakt_writes: 0,
});

export interface WritePlanContext {
  db: Db;
  sqlite: BetterSqlite3.Database;
  log: Logger;
  runId: number;
  trakt: SyncTrakt;
  plex: SyncPlex;
  counts: RunCounts;
  batchSize?: number;
  writeGapMs?: number;
  plexConcurrency?: number;
  shouldStop: () => boolean;
  /** Progress (throttled by the caller). */
  onProgress: () => void;
}

/**
 * A plan approved after it was held may be hours old: plays the ledger got meanwhile (a
 * webhook scrobble) are dropped from it, in SQL, so approval never sends a play twice.
 */
export function withoutRecordedPlays(sqlite: BetterSqlite3.Database, accountId: number, plan: Pick<Plan, 'runId' | 'person'>): Record<PlanList, number> {
  sqlite
    .prepare(
      `DELETE FROM sync_plan_items WHERE run_id = @run AND person = @person AND list = 'toTrakt' AND ${recordedPlaySql('sync_plan_items.item_key')}`,
    )
    .run({ run: plan.runId, person: plan.person, account: accountId });
  return planCounts(sqlite, plan);
}

export async function writePlan(ctx: WritePlanContext, plan: Pick<Plan, 'runId' | 'person'>): Promise<Written> {
  const { counts } = ctx;
  // A lane that throws stops the other one too, so no write goes on after the run has ended.
  let laneFailed = false;
  const shouldStop = () => laneFailed || ctx.shouldStop();
  const source = (list: PlanList) => planSource(ctx.sqlite, plan, list);

  const traktLane = async (): Promise<Written> => {
    let writing: TraktWriteKind = 'history';
    const tctx = {
      db: ctx.db, sqlite: ctx.sqlite, trakt: ctx.trakt, serverId: ctx.plex.machineIdentifier, runId: ctx.runId, log: ctx.log,
      batchSize: Math.min(250, Math.max(1, ctx.batchSize ?? 250)), shouldStop, gapAfterAnswerMs: ctx.writeGapMs,
      onBatch: (n: number, soFar: { sent: number }) => {
        counts.writes_done += n;
        if (writing === 'history') counts.added_to_trakt = soFar.sent;
        else if (writing === 'remove') counts.removed_from_trakt = soFar.sent;
        else counts.ratings_to_trakt = soFar.sent;
        ctx.onProgress();
      },
    };
    const written: Written = {};
    const history = await writeTraktBatches(tctx, source('toTrakt'), 'history');
    written.history = history;
    counts.added_to_trakt = history.sent;
    counts.not_found += history.notFound;
    counts.errors += history.failed + history.unanswered;
    writing = 'remove';
    const removed = await writeTraktBatches(tctx, source('fromTrakt'), 'remove');
    written.remove = removed;
    counts.removed_from_trakt = removed.sent;
    counts.errors += removed.failed + removed.unanswered;
    writing = 'ratings';
    const rt = await writeTraktBatches(tctx, source('ratingsToTrakt'), 'ratings');
    written.ratings = rt;
    counts.ratings_to_trakt = rt.sent;
    counts.not_found += rt.notFound;
    counts.errors += rt.failed + rt.unanswered;
    return written;
  };

  const plexLane = async (): Promise<void> => {
    const pctx = {
      db: ctx.db, sqlite: ctx.sqlite, plex: ctx.plex, runId: ctx.runId, log: ctx.log, concurrency: ctx.plexConcurrency ?? 4, shouldStop,
      onItem: () => {
        counts.writes_done++;
        ctx.onProgress();
      },
    };
    const marked = await writePlex(pctx, source('toPlex'), 'watched');
    counts.marked_in_plex = marked.done;
    counts.errors += marked.failed;
    const unwatched = await writePlex(pctx, source('unwatchInPlex'), 'unwatched');
    counts.unwatched_in_plex = unwatched.done;
    counts.errors += unwatched.failed;
    const rp = await writePlex(pctx, source('ratingsToPlex'), 'rating');
    counts.ratings_to_plex = rp.done;
    counts.errors += rp.failed;
  };

  const lane = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      laneFailed = true;
      throw err;
    });
  const [trakt, plex] = await Promise.allSettled([lane(traktLane()), lane(plexLane())]);
  if (trakt.status === 'rejected') throw trakt.reason;
  if (plex.status === 'rejected') throw plex.reason;
  return trakt.value;
}
