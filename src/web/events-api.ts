/** GET /api/v1/events: events (webhook and live) with their status and source, newest first, paged by id (`before`); `status`, `source` filter. */
import { Hono } from 'hono';
import { listWebhookEvents } from '../db/repos/webhook-events.js';
import type { WebhookEventRow } from '../db/tables/webhooks.js';
import type { AppEnv } from './env.js';
import { parseSource, parseStatus } from './events.js';

function toJson(r: WebhookEventRow) {
  let traktAnswer: unknown = null;
  try {
    traktAnswer = r.trakt_answer ? JSON.parse(r.trakt_answer) : null;
  } catch {
    traktAnswer = r.trakt_answer;
  }
  return {
    id: r.id,
    receivedAt: new Date(r.received_at).toISOString(),
    event: r.event,
    source: r.source,
    status: r.status,
    reason: r.reason,
    account: { id: r.account_id, title: r.account_title },
    server: { uuid: r.server_uuid, title: r.server_title },
    player: r.player_title,
    item: { ratingKey: r.rating_key, type: r.media_type, title: r.title },
    traktAccountId: r.trakt_account_id,
    traktAnswer,
    attempts: r.attempts,
    processedAt: r.processed_at === null ? null : new Date(r.processed_at).toISOString(),
  };
}

export function eventsApi() {
  const api = new Hono<AppEnv>();
  api.get('/events', async (c) => {
    const statusParam = c.req.query('status');
    const status = parseStatus(statusParam);
    if (statusParam && !status) return c.json({ error: 'bad_request', message: 'status must be one of pending, sent, ignored, duplicate, stale, failed.' }, 400);
    const sourceParam = c.req.query('source');
    const source = parseSource(sourceParam);
    if (sourceParam && !source) return c.json({ error: 'bad_request', message: 'source must be webhook or live.' }, 400);
    const limit = Math.min(500, Math.max(1, Number(c.req.query('limit') ?? 100) || 100));
    const beforeRaw = c.req.query('before');
    const before = beforeRaw === undefined ? undefined : Number(beforeRaw);
    if (before !== undefined && (!Number.isInteger(before) || before < 1)) return c.json({ error: 'bad_request', message: 'before must be an event id.' }, 400);
    const rows = await listWebhookEvents(c.var.deps.db, { status, source, beforeId: before, limit });
    const next = rows.length === limit ? rows.at(-1)!.id : null;
    return c.json({ events: rows.map(toJson), next: next === null ? null : `/api/v1/events?before=${next}&limit=${limit}${status ? `&status=${status}` : ''}${source ? `&source=${source}` : ''}` });
  });
  return api;
}
