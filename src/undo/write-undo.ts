/**
 * The writes of an undo, each a ledger row of the undo run that names the row it undoes
 * (`undoes`), written as `intent` before the request and settled after:
 *
 * - Trakt plays: removed by their history ids (found first by trakt-plays.ts), in batches.
 *   An answer that is lost (no answer, a 5xx, an unreadable 2xx) is never followed by a
 *   blind re-send: Trakt's history is read back, and what is still there is left for the
 *   next undo (which reads again, and may only take the same play).
 * - Plex marks: marked unwatched only when the item is as the run left it (one view, none
 *   later); an item watched again since is left, and the row says so.
 * - Ratings: the value before the run is put back (none before: the rating is removed).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import type { LedgerAction, LedgerRow } from '../db/tables/ledger.js';
import { newBatchId, recordIntents, settle, type Settlement } from '../ledger/repo.js';
import type { Logger } from '../log/logger.js';
import type { SyncPlex, SyncTrakt, TraktResponse } from '../sync/ports.js';
import { classifyWrite, type WriteVerdict } from '../net/write-answer.js';
import { answerUnknown } from '../sync/write-plex.js';
import { findRunPlays } from './trakt-plays.js';

/** Trakt's answer to a bulk write: an object counting what it did (a cut-off or HTML body is not). */
const readable = (b: unknown) => typeof b === 'object' && b !== null && !Array.isArray(b) && ('deleted' in b || 'added' in b || 'not_found' in b);

/** The one classification of write answers (src/net/write-answer.ts): done, refused, or unknown. */
export const verdictOf = (res: TraktResponse | null): WriteVerdict => classifyWrite(res, { readable });

export interface UndoCounts {
  planned_writes: number;
  writes_done: number;
  removed_from_trakt: number;
  unwatched_in_plex: number;
  ratings_to_trakt: number;
  ratings_to_plex: number;
  errors: number;
}

export interface UndoWriteContext {
  db: Db;
  sqlite: BetterSqlite3.Database;
  log: Logger;
  runId: number;
  trakt: SyncTrakt;
  plex: SyncPlex | null;
  counts: UndoCounts;
  batchSize: number;
  /** Least time from a write's answer to the next write (Trakt's 1 write a second). */
  writeGapMs: number;
  shouldStop: () => boolean;
  onProgress: () => void;
}

const gap = (() => {
  let answeredAt = 0;
  return {
    async wait(ms: number) {
      const w = answeredAt + ms - Date.now();
      if (w > 0) await new Promise((r) => setTimeout(r, w));
    },
    answered() {
      answeredAt = Date.now();
    },
  };
});

async function post(ctx: UndoWriteContext, pacer: ReturnType<typeof gap>, path: string, body: unknown): Promise<TraktResponse | null> {
  await pacer.wait(ctx.writeGapMs);
  try {
    return await ctx.trakt.post(path, body);
  } catch {
    return null;
  } finally {
    pacer.answered();
  }
}

const intentOf = (ctx: UndoWriteContext, row: LedgerRow, action: LedgerAction, extra: { rating?: number | null; traktHistoryId?: number | null; request?: unknown } = {}) => ({
  target: row.target,
  accountId: row.account_id,
  action,
  mediaType: row.media_type,
  itemKey: row.item_key,
  plexKey: row.plex_key,
  title: row.title,
  watchedAt: row.watched_at,
  rating: extra.rating ?? null,
  source: 'sync' as const,
  sourceId: ctx.runId,
  undoes: row.id,
  traktHistoryId: extra.traktHistoryId ?? null,
  request: extra.request,
});

/** Rows whose work needs no write (the play is not on Trakt, the item changed since): recorded as settled. */
async function recordSettled(ctx: UndoWriteContext, rows: LedgerRow[], action: LedgerAction, outcome: string, error: string): Promise<void> {
  if (!rows.length) return;
  const ids = await recordIntents(ctx.db, rows.map((r) => intentOf(ctx, r, action)));
  await settle(ctx.db, ids.map((id) => ({ id, status: 'failed' as const, outcome, error })));
}

/** Plays an earlier, unfinished undo already chose (its rows carry the history id). */
async function pinnedPlays(db: Db, rows: LedgerRow[]): Promise<Map<number, number>> {
  const pinned = new Map<number, number>();
  for (const r of rows) if (r.action === 'scrobble.stop' && r.trakt_history_id) pinned.set(r.id, r.trakt_history_id);
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    const earlier = await db
      .selectFrom('ledger')
      .select(['undoes', 'trakt_history_id'])
      .where('undoes', 'in', ids.slice(i, i + 500))
      .where('action', '=', 'history.remove')
      .where('trakt_history_id', 'is not', null)
      .execute();
    for (const e of earlier) if (e.undoes !== null && e.trakt_history_id !== null) pinned.set(e.undoes, e.trakt_history_id);
  }
  return pinned;
}

export async function undoTraktPlays(ctx: UndoWriteContext, rows: LedgerRow[]): Promise<{ removedIds: number[]; gets: number }> {
  const removedIds: number[] = [];
  if (!rows.length) return { removedIds, gets: 0 };
  const mirror = { sqlite: ctx.sqlite, accountId: ctx.trakt.accountId };
  const pinned = await pinnedPlays(ctx.db, rows);
  const read = await findRunPlays((p) => ctx.trakt.get(p), rows, { mirror, pinned });
  let gets = read.gets;
  const absent = rows.filter((r) => !read.found.has(r.id));
  await recordSettled(ctx, absent, 'history.remove', 'nothing to undo', 'the play is not on Trakt (removed since, or it never got there)');
  ctx.counts.writes_done += absent.length;
  const present = rows.filter((r) => read.found.has(r.id));
  const pacer = gap();
  for (let start = 0; start < present.length && !ctx.shouldStop(); start += ctx.batchSize) {
    const batch = present.slice(start, start + ctx.batchSize);
    const historyIds = batch.map((r) => read.found.get(r.id)!);
    const ids = await recordIntents(
      ctx.db,
      batch.map((r, n) => intentOf(ctx, r, 'history.remove', { traktHistoryId: historyIds[n], request: { ids: [historyIds[n]] } })),
      newBatchId(),
    );
    const res = await post(ctx, pacer, '/sync/history/remove', { ids: historyIds });
    const verdict = verdictOf(res);
    const settlements: Settlement[] = [];
    if (verdict === 'done') {
      const missing = new Set<number>(((res!.body as { not_found?: { ids?: number[] } }).not_found?.ids ?? []).map(Number));
      batch.forEach((_, n) => {
        const h = historyIds[n]!;
        if (missing.has(h)) settlements.push({ id: ids[n]!, status: 'failed', outcome: 'nothing to undo', error: 'Trakt no longer had this play', traktHistoryId: h });
        else {
          settlements.push({ id: ids[n]!, status: 'sent', outcome: 'removed', traktHistoryId: h });
          removedIds.push(h);
          ctx.counts.removed_from_trakt++;
        }
      });
    } else if (verdict === 'refused') {
      batch.forEach((_, n) => settlements.push({ id: ids[n]!, status: 'failed', outcome: `http ${res!.status}`, error: `Trakt refused the removal (${res!.status}); undo the run again to retry.`, traktHistoryId: historyIds[n] }));
      ctx.counts.errors += batch.length;
    } else {
      // Lost answer: read Trakt back before anything else; only the same plays may be removed later.
      ctx.log.warn({ items: batch.length, status: res?.status ?? null }, "Trakt's answer to a removal was lost; its history is read back before anything is sent again");
      let still = new Map<number, number>();
      try {
        const back = await findRunPlays((p) => ctx.trakt.get(p), batch, { mirror, pinned: new Map(batch.map((r, n) => [r.id, historyIds[n]!])) });
        gets += back.gets;
        still = back.found;
      } catch {
        still = new Map(batch.map((r, n) => [r.id, historyIds[n]!])); // unread: assume still there (the next undo reads again)
      }
      batch.forEach((r, n) => {
        if (still.has(r.id)) {
          settlements.push({ id: ids[n]!, status: 'failed', outcome: 'unknown', error: 'the answer was lost and the play is still on Trakt; undo the run again to remove it', traktHistoryId: historyIds[n] });
          ctx.counts.errors++;
        } else {
          settlements.push({ id: ids[n]!, status: 'sent', outcome: 'removed (read back)', traktHistoryId: historyIds[n] });
          removedIds.push(historyIds[n]!);
          ctx.counts.removed_from_trakt++;
        }
      });
    }
    await settle(ctx.db, settlements);
    ctx.counts.writes_done += batch.length;
    ctx.onProgress();
  }
  return { removedIds, gets };
}

/** A bulk rating body from a row's stored single-item body, with the rating set (or left out, for a removal). */
function ratingBody(row: LedgerRow, rating: number | null): Record<string, unknown> | undefined {
  if (!row.request) return undefined;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (k !== 'rating' && k !== 'rated_at') out[k] = walk(x);
      if ('rating' in v && rating !== null) out.rating = rating;
      return out;
    }
    return v;
  };
  const body = walk(JSON.parse(row.request)) as Record<string, unknown>;
  return body.movies || body.shows || body.episodes ? body : undefined;
}

export async function undoTraktRatings(ctx: UndoWriteContext, rows: LedgerRow[]): Promise<void> {
  const pacer = gap();
  for (const row of rows) {
    if (ctx.shouldStop()) return;
    const previous = row.previous_rating ?? 0;
    const body = ratingBody(row, previous > 0 ? previous : null);
    const action: LedgerAction = previous > 0 ? 'rating.add' : 'rating.remove';
    if (!body) {
      await recordSettled(ctx, [row], action, 'nothing to undo', 'the item could not be named to Trakt again');
      continue;
    }
    const [id] = await recordIntents(ctx.db, [intentOf(ctx, row, action, { rating: previous > 0 ? previous : null, request: body })]);
    const res = await post(ctx, pacer, previous > 0 ? '/sync/ratings' : '/sync/ratings/remove', body);
    const verdict = verdictOf(res);
    // Setting a rating may be sent again, so a lost answer is simply left for the next undo.
    if (verdict === 'done') {
      await settle(ctx.db, [{ id: id!, status: 'sent', outcome: previous > 0 ? 'rating put back' : 'rating removed' }]);
      ctx.counts.ratings_to_trakt++;
    } else {
      await settle(ctx.db, [{ id: id!, status: 'failed', outcome: verdict === 'refused' ? `http ${res!.status}` : 'unknown', error: 'Trakt did not take the rating back; undo the run again to retry.' }]);
      ctx.counts.errors++;
    }
    ctx.counts.writes_done++;
    ctx.onProgress();
  }
}

const ratingKeyOf = (row: LedgerRow) => (row.plex_key ? row.plex_key.slice(row.plex_key.indexOf(':') + 1) : null);

/** Plex's slack between its clock and ours when telling "the view we made" from a later one. */
const CLOCK_SLACK_SEC = 600;

export async function undoPlexMarks(ctx: UndoWriteContext, rows: LedgerRow[]): Promise<number[]> {
  const unmarked: number[] = [];
  const plex = ctx.plex;
  for (const row of rows) {
    if (ctx.shouldStop()) break;
    const ratingKey = ratingKeyOf(row);
    if (!plex || !ratingKey) {
      ctx.counts.errors++;
      continue;
    }
    let state;
    try {
      state = await plex.itemState(ratingKey);
    } catch {
      ctx.counts.errors++; // unread: the next undo reads it again
      continue;
    }
    ctx.counts.writes_done++;
    if (!state || state.viewCount === 0) {
      await recordSettled(ctx, [row], 'plex.unwatched', 'nothing to undo', state ? 'the item is unwatched already' : 'Plex no longer has this item');
      continue;
    }
    // As the run left it: the one view it made, none after. Watched again since → left watched.
    const ours = state.viewCount === 1 && (state.lastViewedAt === null || state.lastViewedAt <= Math.floor(row.updated_at / 1000) + CLOCK_SLACK_SEC);
    if (!ours) {
      await recordSettled(ctx, [row], 'plex.unwatched', 'changed since', 'watched again in Plex since the run: left watched');
      ctx.log.info({ item: row.title }, `left watched in Plex: "${row.title ?? row.item_key}" was watched again since the run`);
      continue;
    }
    const [id] = await recordIntents(ctx.db, [intentOf(ctx, row, 'plex.unwatched', { request: { ratingKey } })]);
    try {
      await plex.markUnwatched(ratingKey);
      await settle(ctx.db, [{ id: id!, status: 'sent', outcome: 'unwatched' }]);
      unmarked.push(row.id);
      ctx.counts.unwatched_in_plex++;
    } catch (err) {
      // Refused: nothing happened. Unknown: read the item before anything is sent again.
      const after = answerUnknown(err) ? await plex.itemState(ratingKey).catch(() => undefined) : undefined;
      if (after && after.viewCount === 0) {
        await settle(ctx.db, [{ id: id!, status: 'sent', outcome: 'unwatched (read back)' }]);
        unmarked.push(row.id);
        ctx.counts.unwatched_in_plex++;
      } else {
        await settle(ctx.db, [{ id: id!, status: 'failed', outcome: 'error', error: `${err instanceof Error ? err.message : String(err)}; undo the run again to retry` }]);
        ctx.counts.errors++;
      }
    }
    ctx.onProgress();
  }
  return unmarked;
}

export async function undoPlexRatings(ctx: UndoWriteContext, rows: LedgerRow[]): Promise<void> {
  for (const row of rows) {
    if (ctx.shouldStop()) return;
    const ratingKey = ratingKeyOf(row);
    if (!ctx.plex || !ratingKey) {
      ctx.counts.errors++;
      continue;
    }
    const previous = row.previous_rating ?? 0;
    const [id] = await recordIntents(ctx.db, [intentOf(ctx, row, 'plex.rate', { rating: previous, request: { ratingKey, rating: previous } })]);
    try {
      await ctx.plex.rate(ratingKey, previous > 0 ? previous : null);
      await settle(ctx.db, [{ id: id!, status: 'sent', outcome: previous > 0 ? 'rating put back' : 'rating removed' }]);
      ctx.counts.ratings_to_plex++;
    } catch (err) {
      await settle(ctx.db, [{ id: id!, status: 'failed', outcome: 'error', error: `${err instanceof Error ? err.message : String(err)}; undo the run again to retry` }]);
      ctx.counts.errors++;
    }
    ctx.counts.writes_done++;
    ctx.onProgress();
  }
}
