/**
 * The writing phase of a run: a plan's plays, removals, marks and ratings, in that order,
 * Trakt in batches and Plex item by item, each write a ledger row. The counts object is the
 * run's own; it is updated as batches are answered so progress shows live.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { keysWithRecordedPlays } from '../ledger/repo.js';
import type { Logger } from '../log/logger.js';
import type { Plan } from './plan.js';
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

export const plannedWrites = (plan: Plan) => plan.toTrakt.length + plan.toPlex.length + plan.fromTrakt.length + plan.unwatchInPlex.length + plan.ratingsToTrakt.length + plan.ratingsToPlex.length;

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
 * webhook scrobble) are dropped from it, so approval never sends a play twice.
 */
export async function withoutRecordedPlays(db: Db, accountId: number, plan: Plan): Promise<Plan> {
  const recorded = await keysWithRecordedPlays(db, accountId, plan.toTrakt.map((i) => i.itemKey));
  return recorded.size ? { ...plan, toTrakt: plan.toTrakt.filter((i) => !recorded.has(i.itemKey)) } : plan;
}

export async function writePlan(ctx: WritePlanContext, plan: Plan): Promise<Written> {
  const { counts } = ctx;
  let writing: TraktWriteKind = 'history';
  const tctx = {
    db: ctx.db, sqlite: ctx.sqlite, trakt: ctx.trakt, serverId: ctx.plex.machineIdentifier, runId: ctx.runId, log: ctx.log,
    batchSize: Math.min(250, Math.max(1, ctx.batchSize ?? 250)), shouldStop: ctx.shouldStop, gapAfterAnswerMs: ctx.writeGapMs,
    onBatch: (n: number, soFar: { sent: number }) => {
      counts.writes_done += n;
      if (writing === 'history') counts.added_to_trakt = soFar.sent;
      else if (writing === 'remove') counts.removed_from_trakt = soFar.sent;
      else counts.ratings_to_trakt = soFar.sent;
      ctx.onProgress();
    },
  };
  const written: Written = {};
  const history = await writeTraktBatches(tctx, plan.toTrakt, 'history');
  written.history = history;
  counts.added_to_trakt = history.sent;
  counts.not_found += history.notFound;
  counts.errors += history.failed + history.unanswered;
  writing = 'remove';
  const removed = await writeTraktBatches(tctx, plan.fromTrakt, 'remove');
  written.remove = removed;
  counts.removed_from_trakt = removed.sent;
  counts.errors += removed.failed + removed.unanswered;
  writing = 'ratings';
  const pctx = {
    db: ctx.db, sqlite: ctx.sqlite, plex: ctx.plex, runId: ctx.runId, log: ctx.log, concurrency: ctx.plexConcurrency ?? 4, shouldStop: ctx.shouldStop,
    onItem: () => {
      counts.writes_done++;
      ctx.onProgress();
    },
  };
  const marked = await writePlex(pctx, plan.toPlex, 'watched');
  counts.marked_in_plex = marked.done;
  counts.errors += marked.failed;
  const unwatched = await writePlex(pctx, plan.unwatchInPlex, 'unwatched');
  counts.unwatched_in_plex = unwatched.done;
  counts.errors += unwatched.failed;
  const rt = await writeTraktBatches(tctx, plan.ratingsToTrakt, 'ratings');
  written.ratings = rt;
  counts.ratings_to_trakt = rt.sent;
  counts.not_found += rt.notFound;
  counts.errors += rt.failed + rt.unanswered;
  const rp = await writePlex(pctx, plan.ratingsToPlex, 'rating');
  counts.ratings_to_plex = rp.done;
  counts.errors += rp.failed;
  return written;
}
