/** Webhook metrics, registered once; the queue-depth gauge reads the database at scrape time. */
import type BetterSqlite3 from 'better-sqlite3';
import { pendingCount } from '../db/repos/webhook-events.js';
import { metrics } from '../metrics/registry.js';

export const webhooksReceived = metrics.counter('pts_webhooks_received_total', 'Plex webhooks stored, by event.');
export const webhooksRejected = metrics.counter('pts_webhooks_rejected_total', 'Plex webhooks refused before storing, by HTTP status.');
export const webhookDecisions = metrics.counter('pts_webhook_events_total', 'Webhook events processed, by event and final status.');
export const webhookFailures = metrics.counter('pts_webhook_events_failed_total', 'Webhook events that ended failed (dead letter).');
export const webhookAckSeconds = metrics.summary('pts_webhook_ack_seconds', 'Time from request to 200 for stored webhooks.');

let depthSource: BetterSqlite3.Database | undefined;
metrics.gauge('pts_webhook_queue_depth', 'Webhook events waiting to be processed.', () => {
  if (!depthSource || !depthSource.open) return [];
  return [[undefined, pendingCount(depthSource)]];
});

/** The database whose queue depth /metrics reports (the service's, set at start). */
export function reportQueueDepthOf(sqlite: BetterSqlite3.Database): void {
  depthSource = sqlite;
}
