/**
 * Trakt writes of a run: batches of 100-250 items to /sync/history, /sync/history/remove
 * or /sync/ratings, each item an `intent` in the ledger before the request and settled after it. A batch
 * that got no answer stays `intent` (the next run settles it against Trakt's history
 * before anything is re-sent); a refused batch is `failed`; `not_found` is remembered.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import type { LedgerAction } from '../db/tables/ledger.js';
import { newBatchId, recordIntents, rememberNotFound, settle, type Settlement } from '../ledger/repo.js';
import type { Logger } from '../log/logger.js';
import type { PlanItem } from './plan.js';
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
  /** Batches that got no answer (left as intents). */
  unanswered: number;
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

export async function writeTraktBatches(ctx: TraktWriteContext, items: PlanItem[], what: TraktWriteKind): Promise<TraktWriteResult> {
  const { action, payload, path } = KINDS[what];
  const result: TraktWriteResult = { sent: 0, notFound: 0, failed: 0, requests: 0, unanswered: 0 };
  const log = ctx.log.child({ component: 'sync', runId: ctx.runId });
  let failedInARow = 0;
  let answeredAt = 0;
  const gap = ctx.gapAfterAnswerMs ?? 1000;

  for (let start = 0; start < items.length; start += ctx.batchSize) {
    if (ctx.shouldStop?.()) break;
    if (failedInARow >= MAX_FAILED_IN_A_ROW) {
      log.warn({ remaining: items.length - start }, `Trakt failed ${MAX_FAILED_IN_A_ROW} batches in a row; stopping ${what} writes, the next run sends the rest`);
      break;
    }
    const batch = items.slice(start, start + ctx.batchSize);
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
    let status: number;
    let answer: unknown;
    try {
      const res = await ctx.trakt.post(path, body);
      answeredAt = Date.now();
      status = res.status;
      answer = res.body;
    } catch (err) {
      answeredAt = Date.now();
      // No answer: Trakt may or may not have it. The rows stay `intent`, so nothing re-sends them
      // until the next run has checked Trakt's history.
      result.requests++;
      result.unanswered++;
      failedInARow++;
      log.error({ err: err instanceof Error ? err.message : String(err), items: batch.length }, `no answer from Trakt for a ${what} batch; it is checked against Trakt's history on the next run`);
      ctx.onBatch?.(batch.length, result);
      continue;
    }
    result.requests++;
    if (status >= 200 && status < 300 && !isWriteAnswer(answer)) {
      // A 2xx that is not Trakt's answer (an HTML page, cut-off JSON): whether Trakt has the batch is
      // unknown, like no answer at all. The rows stay `intent` for the next run to check.
      result.unanswered++;
      failedInARow++;
      log.error({ status, items: batch.length }, `Trakt's answer to a ${what} batch could not be read; it is checked against Trakt's history on the next run`);
      ctx.onBatch?.(batch.length, result);
      continue;
    }
    const settlements: Settlement[] = [];
    if (status >= 200 && status < 300) {
      failedInARow = 0;
      const missing = notFoundIndexes(answer, sent);
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
      const done = batch.filter((_, n) => !missing.has(n));
      if (what === 'history') recordAddedPlays(ctx.sqlite, ctx.trakt.accountId, done);
      else if (what === 'remove') recordRemovedPlays(ctx.sqlite, ctx.trakt.accountId, done);
      else recordAddedRatings(ctx.sqlite, ctx.trakt.accountId, done);
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
