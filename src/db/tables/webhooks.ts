/**
 * Plex webhooks: every delivery that passed the secret and the parser is one row of
 * `webhook_events` (written before Plex gets its 200). Every Plex account seen in webhooks
 * is a person (`people`, src/db/tables/people.ts).
 */
import type { Generated, Selectable } from 'kysely';

export type WebhookStatus = 'pending' | 'sent' | 'ignored' | 'duplicate' | 'stale' | 'failed';

/** Who saw the event: a Plex webhook, or the live listener (the server's own notifications). */
export type EventSource = 'webhook' | 'live';
export const EVENT_SOURCES: readonly EventSource[] = ['webhook', 'live'];

export interface WebhookEventsTable {
  id: Generated<number>;
  received_at: number;
  event: string;
  /** Plex account id (1 = the server owner) and name, as the payload says. */
  account_id: number | null;
  account_title: string | null;
  server_uuid: string | null;
  server_title: string | null;
  player_title: string | null;
  /** Metadata.ratingKey: events of one item (per server) are processed in order. */
  rating_key: string | null;
  media_type: string | null;
  /** Display title: "Show · S01E02 · Title" or "Movie (1999)". */
  title: string | null;
  /** The payload JSON exactly as received. */
  payload: string;
  status: WebhookStatus;
  /** Why it was ignored, a duplicate, stale or failed; what was done when sent. */
  reason: string | null;
  /** Trakt's answer (JSON text), shown on the events page. */
  trakt_answer: string | null;
  trakt_account_id: number | null;
  attempts: number;
  /** A pending event waits until this time before the next attempt (after a failure). */
  next_attempt_at: number;
  processed_at: number | null;
  updated_at: number;
  source: Generated<EventSource>;
}

/** The old Settings → Webhook accounts choice, now kept in `people` (mapped: their Trakt account; ignored: webhooks off). */
export type WebhookAccountMode = 'default' | 'mapped' | 'ignored';

/** A person as the old webhook-account map saw them (src/db/repos/webhook-accounts.ts reads it from `people`). */
export interface WebhookAccountRow {
  plex_account_id: number;
  plex_account_title: string | null;
  mode: WebhookAccountMode;
  trakt_account_id: number | null;
  first_seen_at: number;
  last_seen_at: number;
}

export interface WebhookTables {
  webhook_events: WebhookEventsTable;
}

export type WebhookEventRow = Selectable<WebhookEventsTable>;
