/**
 * Trakt writes of a run: batches of 100-250 items to /sync/history, /sync/history/remove
 * or /sync/ratings, each item an `intent` in the ledger before the request and settled after it.
 * Each answer is done, refused or unknown (src/net/write-answer.ts). A refused batch is `failed`;
 * `not_found` is remembered. A batch of plays whose answer was lost is read back from Trakt's
 * history at once (one mechanism with the crash settle, src/ledger/settle-intents.ts) and only
 * what is not there is sent again; when Trakt cannot be read the rows stay `intent` for the next
 * run. A lost removal or rating is failed: the next run plans it again from a fresh read of Trakt.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import type { LedgerAction } from '../db/tables/ledger.js';
import { newBatchId, recordIntents, rememberNotFound, settle, type Settlement } from '../ledger/repo.js';
import { settleTraktRows } from '../ledger/settle-intents.js';
import { classifyWrite, lostAnswerPhrase } from '../net/write-answer.js';
import type { Logger } from '../log/logger.js';
import type { PlanItem } from './plan.js';
import type { PlanSource } from './plan-store.js';
import type { SyncTrakt } from './ports.js';
import { batchBody, historyPayload, itemBody, notFoundIndexes, ratingPayload, removePayload, type Payload } from './trakt-bodies.js';

export interface TraktWriteContext {
  db: Db;
  sqlite: BetterSqlite3.Database;
  trakt: SyncTrakt;
  /** The Plex server's machineIdentifier (ledger plex_key is `<server>:<ratingKey>`). */
  serverId: string;
  runId: number;
  log: Logger;
  batchSize: number;
  /** After each batch: how many items it handled (sent, failed or not found), and the totals so far. */
  onBatch?: (handled: number, soFar: TraktWriteResult) => void;
  shouldStop?: () => boolean;
  /**
   * Least time from one batch's answer to the next batch's request. The client's budget spaces
   * request *starts*; a late-arriving request can still land within Trakt's second and lock the
   * account for five minutes, so the bulk writer also waits on the answer (default 1000 ms).
   */
  gapAfterAnswerMs?: number;
}

export interface TraktWriteResult {
  sent: number;
  notFound: number;
  failed: number;
  requests: number;
  /** Batches whose answer was lost and could not be settled now (failed, or left as intents for the next run). */
  unanswered: number;
  /** Batches whose answer was lost, and of their plays how many Trakt's history showed were there. */
  lost: { batches: number; items: number; alreadyThere: number; resent: number };
}

/** How many plan items are read from SQLite at a time: a few batches' worth, never the whole plan. */
export const PLAN_CHUNK = 1000;

/** The plan source followed by what is pushed back (plays to send again), taken in that order. */
function planQueue(source: PlanSource) {
  let buffered: PlanItem[] = [];
  let unread = source.size;
  const again: PlanItem[] = [];
  return {
    get length() {
      return buffered.length + unread + again.length;
    },
    push(item: PlanItem) {
      again.push(item);
    },
    take(n: number): PlanItem[] {
      const out: PlanItem[] = [];
      while (out.length < n && (buffered.length > 0 || unread > 0)) {
        if (buffered.length === 0) {
          buffered = source.next(Math.max(n, PLAN_CHUNK));
          unread = buffered.length === 0 ? 0 : Math.max(0, unread - buffered.length);
          if (buffered.length === 0) break;
        }
        out.push(...buffered.splice(0, n - out.length));
      }
      if (out.length < n) out.push(...again.splice(0, n - out.length));
      return out;
    },
  };
}

/** After this many failed batches in a row Trakt is down: stop writing, the next run resumes. */
const MAX_FAILED_IN_A_ROW = 3;

/** Trakt answers a write with an object counting what it did (`added` / `deleted`, `not_found`). */
function isWriteAnswer(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return 'added' in body || 'deleted' in body || 'not_found' in body;
}

function failureSentence(status: number): string {
  if (status === 401) return 'Trakt refused the login (401). Reconnect Trakt in Settings, then run the sync again.';
  if (status === 420) return 'Your Trakt account reached its limit (420). Free up space on Trakt or upgrade to VIP.';
  if (status === 423) return 'Trakt says your account is locked (423). Contact Trakt support.';
  if (status === 429) return 'Trakt rate limit (429) after retries; the next run sends the rest.';
  return `Trakt answered ${status}; the next run tries again.`;
}

export type TraktWriteKind = 'history' | 'remove' | 'ratings';

const KINDS: Record<TraktWriteKind, { action: LedgerAction; payload: Payload; path: string }> = {
  history: { action: 'history.add', payload: historyPayload, path: '/sync/history' },
  remove: { action: 'history.remove', payload: removePayload, path: '/sync/history/remove' },
  ratings: { action: 'rating.add', payload: ratingPayload, path: '/sync/ratings' },
};

export async function writeTraktBatches(ctx: TraktWriteContext, items: PlanSource, what: TraktWriteKind): Promise<TraktWriteResult> {
  const { action, payload, path } = KINDS[what];
  const result: TraktWriteResult = { sent: 0, notFound: 0, failed: 0, requests: 0, unanswered: 0, lost: { batches: 0, items: 0, alreadyThere: 0, resent: 0 } };
  const log = ctx.log.child({ component: 'sync', runId: ctx.runId });
  let failedInARow = 0;
  let answeredAt = 0;
  const gap = ctx.gapAfterAnswerMs ?? 1000;
  // The queue: the plan, read a chunk at a time (plays come in time order, so a batch spans a
  // short stretch of history, which is what is read back, a GET or two, if its answer is lost),
  // then the plays of lost batches that Trakt's history did not show, to send once more.
  const queue = planQueue(items);
  const resent = new Set<PlanItem>();

  while (queue.length > 0) {
    if (ctx.shouldStop?.()) break;
    if (failedInARow >= MAX_FAILED_IN_A_ROW) {
      log.warn({ remaining: queue.length }, `Trakt failed ${MAX_FAILED_IN_A_ROW} batches in a row; stopping ${what} writes, the next run sends the rest`);
      break;
    }
    const batch = queue.take(ctx.batchSize);
    if (batch.length === 0) break;
    const batchId = newBatchId();
    const ids = await recordIntents(
      ctx.db,
      batch.map((i) => ({
        target: 'trakt' as const,
        accountId: ctx.trakt.accountId,
        action,
        mediaType: i.kind,
        itemKey: i.itemKey,
        plexKey: `${ctx.serverId}:${i.ratingKey}`,
        title: i.title,
        watchedAt: what === 'history' ? (i.watchedAt ?? null) : null,
        rating: what === 'ratings' ? (i.rating ?? null) : null,
        previousRating: what === 'ratings' ? (i.previousRating ?? null) : null,
        source: 'sync' as const,
        sourceId: ctx.runId,
        request: itemBody(i, payload),
      })),
      batchId,
    );
    const { body, sent } = batchBody(batch, payload);
    const wait = answeredAt + gap - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let answer: { status: number; body: unknown } | Error;
    try {
      answer = await ctx.trakt.post(path, body);
    } catch (err) {
      answer = err instanceof Error ? err : new Error(String(err));
    }
    answeredAt = Date.now();
    result.requests++;
    const verdict = answer instanceof Error ? 'unknown' : classifyWrite(answer, { readable: isWriteAnswer });
    if (answer instanceof Error || verdict === 'unknown') {
      failedInARow++;
      const again = await afterLostAnswer(ctx, what, batch, ids, answer, result, log);
      for (const item of again) {
        if (resent.has(item)) {
          result.failed++; // lost twice: failed now; the next run reads Trakt and decides
          continue;
        }
        resent.add(item);
        queue.push(item);
        result.lost.resent++;
      }
      ctx.onBatch?.(batch.length - again.filter((i) => resent.has(i)).length, result);
      continue;
    }
    const status = answer.status;
    const settlements: Settlement[] = [];
    if (verdict === 'done') {
      failedInARow = 0;
      const missing = notFoundIndexes(answer.body, sent);
      batch.forEach((item, n) => {
        if (missing.has(n)) {
          settlements.push({ id: ids[n]!, status: 'failed', outcome: 'not_found', error: 'Trakt does not know this item' });
          result.notFound++;
        } else {
          settlements.push({ id: ids[n]!, status: 'sent', outcome: what === 'remove' ? 'removed' : 'added' });
          result.sent++;
        }
      });
      await settle(ctx.db, settlements);
      // not_found on a removal only means there was nothing to remove: not an unknown item.
      for (const n of what === 'remove' ? [] : missing) {
        const item = batch[n]!;
        if (item.idsHash) await rememberNotFound(ctx.db, ctx.trakt.accountId, item.itemKey, item.idsHash, item.title);
      }
      mirrorDone(ctx, what, batch.filter((_, n) => !missing.has(n)));
      if (missing.size) log.info({ notFound: missing.size }, `Trakt did not know ${missing.size} item(s); they are listed on the Unmatched page`);
    } else {
      failedInARow++;
      const error = failureSentence(status);
      await settle(ctx.db, ids.map((id) => ({ id, status: 'failed' as const, outcome: `http ${status}`, error })));
      result.failed += batch.length;
      log.error({ status, items: batch.length }, `Trakt refused a ${what} batch: ${error}`);
    }
    ctx.onBatch?.(batch.length, result);
  }
  return result;
}

function mirrorDone(ctx: TraktWriteContext, what: TraktWriteKind, done: PlanItem[]): void {
  if (done.length === 0) return;
  if (what === 'history') recordAddedPlays(ctx.sqlite, ctx.trakt.accountId, done);
  else if (what === 'remove') recordRemovedPlays(ctx.sqlite, ctx.trakt.accountId, done);
  else recordAddedRatings(ctx.sqlite, ctx.trakt.accountId, done);
}

/**
 * A batch whose answer was lost. Plays: Trakt's history is read for exactly these items, each
 * row settled from what is there, and the plays that are not there come back to be sent again.
 * Removals and ratings are failed: a rating is safe to repeat, and a removal is planned again
 * by the next run only if a fresh read of Trakt's watched list still shows the item.
 */
async function afterLostAnswer(
  ctx: TraktWriteContext,
  what: TraktWriteKind,
  batch: PlanItem[],
  ids: number[],
  answer: { status: number; body: unknown } | Error,
  result: TraktWriteResult,
  log: TraktWriteContext['log'],
): Promise<PlanItem[]> {
  const lost = lostAnswerPhrase(answer);
  result.lost.batches++;
  result.lost.items += batch.length;
  if (what !== 'history') {
    const error = `Trakt's answer was lost (${lost}); the next run reads Trakt and plans it again if it is needed`;
    await settle(ctx.db, ids.map((id) => ({ id, status: 'failed' as const, outcome: 'answer lost', error })));
    result.unanswered++;
    log.warn({ items: batch.length, answer: lost }, `answer lost (${lost}) for a ${what} batch of ${batch.length}; the next run reads Trakt before planning it again`);
    return [];
  }
  const rows = await ctx.db.selectFrom('ledger').selectAll().where('id', 'in', ids).orderBy('id').execute();
  let counts;
  try {
    counts = await settleTraktRows(ctx.db, ctx.trakt.probe, rows, 'lost answer');
  } catch (err) {
    result.unanswered++;
    log.error({ err: err instanceof Error ? err.message : String(err), items: batch.length, answer: lost }, `answer lost (${lost}) for a batch of ${batch.length} plays, and Trakt's history could not be read; the next run reads it before anything is sent again`);
    return [];
  }
  const found = new Set(counts.foundIds);
  const there = batch.filter((_, n) => found.has(ids[n]!));
  result.sent += there.length;
  result.lost.alreadyThere += there.length;
  mirrorDone(ctx, what, there);
  const missing = batch.filter((_, n) => !found.has(ids[n]!));
  log.warn(
    { items: batch.length, alreadyThere: there.length, answer: lost },
    `answer lost (${lost}); Trakt was read and ${there.length} of ${batch.length} were already there` + (missing.length ? `; the other ${missing.length} are sent again` : ''),
  );
  return missing;
}

/** Keeps the Trakt mirror in step with what we just added, so the next run needs no refetch to agree. */
function recordAddedPlays(sqlite: BetterSqlite3.Database, account: number, items: PlanItem[]): void {
  const ins = sqlite.prepare(
    `INSERT INTO trakt_watched (account_id, kind, trakt, imdb, tmdb, tvdb, show_trakt, show_imdb, show_tmdb, show_tvdb, season, number, plays, last_watched_at, title)
     VALUES (?, ?, NULL, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 1, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (const i of items) {
      ins.run(account, i.kind, i.ids.imdb ?? null, i.ids.tmdb ?? null, i.ids.tvdb ?? null, i.show?.imdb ?? null, i.show?.tmdb ?? null, i.show?.tvdb ?? null,
        i.kind === 'episode' ? (i.traktSeason ?? null) : null, i.kind === 'episode' ? (i.traktNumber ?? null) : null, i.watchedAt ?? null, i.title);
    }
  })();
}

/** Keeps the Trakt mirror in step with what we just removed (every play of the item). */
function recordRemovedPlays(sqlite: BetterSqlite3.Database, account: number, items: PlanItem[]): void {
  const own = sqlite.prepare(`DELETE FROM trakt_watched WHERE account_id = ? AND kind = ? AND (imdb = ? OR tmdb = ? OR tvdb = ?)`);
  const byShow = sqlite.prepare(
    `DELETE FROM trakt_watched WHERE account_id = ? AND kind = 'episode' AND (show_imdb = ? OR show_tmdb = ? OR show_tvdb = ?) AND season = ? AND number = ?`,
  );
  sqlite.transaction(() => {
    for (const i of items) {
      own.run(account, i.kind, i.ids.imdb ?? null, i.ids.tmdb ?? null, i.ids.tvdb ?? null);
      if (i.kind === 'episode') byShow.run(account, i.show?.imdb ?? null, i.show?.tmdb ?? null, i.show?.tvdb ?? null, i.traktSeason ?? null, i.traktNumber ?? null);
    }
  })();
}

function recordAddedRatings(sqlite: BetterSqlite3.Database, account: number, items: PlanItem[]): void {
  const del = sqlite.prepare(`DELETE FROM trakt_ratings WHERE account_id = ? AND kind = ? AND (imdb = ? OR tmdb = ? OR tvdb = ?)`);
  const ins = sqlite.prepare(
    `INSERT INTO trakt_ratings (account_id, kind, trakt, imdb, tmdb, tvdb, show_trakt, show_imdb, show_tmdb, show_tvdb, season, number, rating, rated_at)
     VALUES (?, ?, NULL, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = Date.now();
  sqlite.transaction(() => {
    for (const i of items) {
      del.run(account, i.kind, i.ids.imdb ?? null, i.ids.tmdb ?? null, i.ids.tvdb ?? null);
      ins.run(account, i.kind, i.ids.imdb ?? null, i.ids.tmdb ?? null, i.ids.tvdb ?? null, i.show?.imdb ?? null, i.show?.tmdb ?? null, i.show?.tvdb ?? null,
        i.kind === 'episode' ? (i.traktSeason ?? null) : null, i.kind === 'episode' ? (i.traktNumber ?? null) : null, i.rating ?? 0, now);
    }
  })();
}
