/** The numbers behind the dashboard's Webhooks card and the status report. */
import { countWebhookEvents, lastWebhookEvent, pendingCount } from '../db/repos/webhook-events.js';
import type { WebhookCardView } from '../../views/events/dashboard-card.js';
import type { AppDeps } from './env.js';
import { statusParts } from './status.js';

function startOfTodayUtc(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export async function webhookCardView(deps: AppDeps, webhookUrl: string): Promise<WebhookCardView> {
  const [last, today, failed] = await Promise.all([lastWebhookEvent(deps.db), countWebhookEvents(deps.db, undefined, startOfTodayUtc()), countWebhookEvents(deps.db, 'failed')]);
  return {
    webhookUrl,
    last: last ? { receivedAt: last.received_at, event: last.event, serverTitle: last.server_title } : undefined,
    today,
    queueDepth: pendingCount(deps.sqlite),
    failed,
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
    },
  };
});
