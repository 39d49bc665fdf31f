/**
 * Plex webhooks: every delivery that passed the secret and the parser is one row of
 * `webhook_events` (written before Plex gets its 200), and every Plex account seen in
 * webhooks is one row of `webhook_accounts` (which Trakt account its plays go to).
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

export type WebhookAccountMode = 'default' | 'mapped' | 'ignored';

export interface WebhookAccountsTable {
  plex_account_id: number;
  plex_account_title: string | null;
  /** 'default': owner → connected Trakt account, anyone else ignored; 'mapped': trakt_account_id; 'ignored'. */
  mode: WebhookAccountMode;
  trakt_account_id: number | null;
  first_seen_at: number;
  last_seen_at: number;
}

export interface WebhookTables {
  webhook_events: WebhookEventsTable;
  webhook_accounts: WebhookAccountsTable;
}

export type WebhookEventRow = Selectable<WebhookEventsTable>;
export type WebhookAccountRow = Selectable<WebhookAccountsTable>;
