/**
 * The durable webhook queue. The receive path is one synchronous INSERT on the raw
 * SQLite handle (the hot path: Plex waits for it); everything else goes through Kysely.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../database.js';
import type { EventSource, WebhookEventRow, WebhookStatus } from '../tables/webhooks.js';

export interface NewWebhookEvent {
  receivedAt: number;
  event: string;
  accountId: number | null;
  accountTitle: string | null;
  serverUuid: string | null;
  serverTitle: string | null;
  playerTitle: string | null;
  ratingKey: string | null;
  mediaType: string | null;
  title: string | null;
  payload: string;
  /** 'webhook' unless the live listener stored it. */
  source?: EventSource;
}

const insertStatements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/** Stores a received webhook as `pending` in one write and returns its id. */
export function insertWebhookEvent(sqlite: BetterSqlite3.Database, e: NewWebhookEvent): number {
  let stmt = insertStatements.get(sqlite);
  if (!stmt) {
    stmt = sqlite.prepare(
      `INSERT INTO webhook_events (received_at, event, account_id, account_title, server_uuid, server_title, player_title,
         rating_key, media_type, title, payload, status, attempts, next_attempt_at, updated_at, source)
       VALUES (@receivedAt, @event, @accountId, @accountTitle, @serverUuid, @serverTitle, @playerTitle,
         @ratingKey, @mediaType, @title, @payload, 'pending', 0, 0, @receivedAt, @source)`,
    );
    insertStatements.set(sqlite, stmt);
  }
  return Number(stmt.run({ ...e, source: e.source ?? 'webhook' }).lastInsertRowid);
}

export async function getWebhookEvent(db: Db, id: number): Promise<WebhookEventRow | undefined> {
  return db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** What the worker needs to schedule a pending event: its lane and when it may run (not the payload). */
export type PendingEvent = Pick<WebhookEventRow, 'id' | 'server_uuid' | 'rating_key' | 'next_attempt_at'>;

/** Pending events, oldest first (the worker keeps each item's events in this order). */
export async function pendingWebhookEvents(db: Db, limit: number): Promise<PendingEvent[]> {
  return db
    .selectFrom('webhook_events')
    .select(['id', 'server_uuid', 'rating_key', 'next_attempt_at'])
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export interface EventOutcome {
  status: Exclude<WebhookStatus, 'pending'>;
  reason: string | null;
  traktAnswer?: unknown;
  traktAccountId?: number | null;
  attempts?: number;
}

export async function finishWebhookEvent(db: Db, id: number, o: EventOutcome, now = Date.now()): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set({
      status: o.status,
      reason: o.reason,
      trakt_answer: o.traktAnswer === undefined ? null : JSON.stringify(o.traktAnswer),
      trakt_account_id: o.traktAccountId ?? null,
      ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
      processed_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Keeps the event pending for another attempt later, with the error that stopped this one. */
export async function deferWebhookEvent(db: Db, id: number, attempts: number, nextAttemptAt: number, reason: string, traktAnswer?: unknown, now = Date.now()): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set({
      attempts,
      next_attempt_at: nextAttemptAt,
      reason,
      trakt_answer: traktAnswer === undefined ? null : JSON.stringify(traktAnswer),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * An earlier event with the same (server, account, item, event) received within
 * `windowMs` before this one, that was not itself a duplicate: this one repeats it.
 */
export async function earlierSameEvent(db: Db, e: WebhookEventRow, windowMs: number): Promise<WebhookEventRow | undefined> {
  let q = db
    .selectFrom('webhook_events')
    .selectAll()
    .where('id', '<', e.id)
    .where('event', '=', e.event)
    .where('received_at', '>=', e.received_at - windowMs)
    .where('status', '!=', 'duplicate');
  q = e.server_uuid === null ? q.where('server_uuid', 'is', null) : q.where('server_uuid', '=', e.server_uuid);
  q = e.account_id === null ? q.where('account_id', 'is', null) : q.where('account_id', '=', e.account_id);
  q = e.rating_key === null ? q.where('rating_key', 'is', null) : q.where('rating_key', '=', e.rating_key);
  return q.orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export interface EventListQuery {
  status?: WebhookStatus;
  source?: EventSource;
  beforeId?: number;
  limit: number;
}

/** Newest first, optionally one status and one source, paged by id. */
export async function listWebhookEvents(db: Db, q: EventListQuery): Promise<WebhookEventRow[]> {
  let s = db.selectFrom('webhook_events').selectAll();
  if (q.status) s = s.where('status', '=', q.status);
  if (q.source) s = s.where('source', '=', q.source);
  if (q.beforeId !== undefined) s = s.where('id', '<', q.beforeId);
  return s.orderBy('id', 'desc').limit(q.limit).execute();
}

export async function countWebhookEvents(db: Db, status?: WebhookStatus, sinceMs?: number): Promise<number> {
  let s = db.selectFrom('webhook_events').select((eb) => eb.fn.countAll<number>().as('n'));
  if (status) s = s.where('status', '=', status);
  if (sinceMs !== undefined) s = s.where('received_at', '>=', sinceMs);
  const row = await s.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Synchronous queue depth for the metrics gauge and status (cheap: partial index). */
export function pendingCount(sqlite: BetterSqlite3.Database): number {
  const row = sqlite.prepare(`SELECT count(*) AS n FROM webhook_events WHERE status = 'pending'`).get() as { n: number };
  return row.n;
}

export async function lastWebhookEvent(db: Db): Promise<WebhookEventRow | undefined> {
  return db.selectFrom('webhook_events').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** Puts failed events back in the queue; returns the ids that were failed. */
export async function requeueFailed(db: Db, ids?: number[], now = Date.now()): Promise<number[]> {
  let s = db.selectFrom('webhook_events').select('id').where('status', '=', 'failed');
  if (ids) {
    if (ids.length === 0) return [];
    s = s.where('id', 'in', ids);
  }
  const found = (await s.execute()).map((r) => r.id);
  if (found.length === 0) return [];
  await db
    .updateTable('webhook_events')
    .set({ status: 'pending', attempts: 0, next_attempt_at: 0, processed_at: null, updated_at: now })
    .where('id', 'in', found)
    .where('status', '=', 'failed')
    .execute();
  return found;
}
