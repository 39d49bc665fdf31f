/** The numbers behind the dashboard's Webhooks card and the status report. */
import { countWebhookEvents, lastWebhookEvent, pendingCount } from '../db/repos/webhook-events.js';
import type { WebhookCardView } from '../../views/events/dashboard-card.js';
import type { AppDeps } from './env.js';
import { statusParts } from './status.js';

/** Midnight in the server's time zone (`TZ`, which a self-hosted server shares with its owner). */
export function startOfToday(now = Date.now()): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * What is wrong right now, if anything: the newest event that is waiting to be tried again
 * (Trakt down, slow, rate limiting, answering garbage), with its reason.
 */
export function currentWebhookProblem(deps: Pick<AppDeps, 'sqlite'>): { eventId: number; reason: string; attempts: number; nextAttemptAt: string; waiting: number } | null {
  const row = deps.sqlite
    .prepare("select id, reason, attempts, next_attempt_at, (select count(*) from webhook_events where status = 'pending' and attempts > 0) as waiting from webhook_events where status = 'pending' and attempts > 0 order by id desc limit 1")
    .get() as { id: number; reason: string | null; attempts: number; next_attempt_at: number; waiting: number } | undefined;
  if (!row) return null;
  return { eventId: row.id, reason: row.reason ?? 'unknown', attempts: row.attempts, nextAttemptAt: new Date(row.next_attempt_at).toISOString(), waiting: row.waiting };
}

export async function webhookCardView(deps: AppDeps, webhookUrl: string): Promise<WebhookCardView> {
  const [last, today, failed] = await Promise.all([lastWebhookEvent(deps.db), countWebhookEvents(deps.db, undefined, startOfToday()), countWebhookEvents(deps.db, 'failed')]);
  return {
    webhookUrl,
    last: last ? { receivedAt: last.received_at, event: last.event, serverTitle: last.server_title } : undefined,
    today,
    queueDepth: pendingCount(deps.sqlite),
    failed,
    problem: currentWebhookProblem(deps)?.reason,
  };
}

statusParts.push(async (deps) => {
  const last = await lastWebhookEvent(deps.db);
  return {
    webhooks: {
      queueDepth: pendingCount(deps.sqlite),
      failed: await countWebhookEvents(deps.db, 'failed'),
      lastReceivedAt: last ? new Date(last.received_at).toISOString() : null,
      lastServer: last?.server_title ?? null,
      problem: currentWebhookProblem(deps),
    },
  };
});
