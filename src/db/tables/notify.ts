/**
 * Notifications: where they go (`notify_targets`, URLs sealed), what waits to be delivered
 * (`notify_outbox`, folded per target and event) and each attempt (`notify_deliveries`).
 */
import type { Generated, Selectable } from 'kysely';

export type NotifyTargetSource = 'env' | 'settings';
export type NotifyOutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NotifyTargetsTable {
  id: Generated<number>;
  /** The URL, encrypted with the data directory's key (it carries tokens). */
  sealed_url: string;
  masked_url: string;
  kind: string;
  /** `?events=` as a comma list; null: the default set. */
  events: string | null;
  source: NotifyTargetSource;
  created_at: number;
}

export interface NotifyOutboxTable {
  id: Generated<number>;
  target_id: number;
  event: string;
  /** JSON of the details the message is composed from (at send time). */
  details: string;
  /** More of the same event raised while this one waited: "and N more". */
  folded: number;
  status: NotifyOutboxStatus;
  attempts: number;
  /** When this row was first due: the next of its event waits until 10 minutes after it. */
  window_at: number;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  last_error: string | null;
}

export interface NotifyDeliveriesTable {
  id: Generated<number>;
  outbox_id: number | null;
  target_id: number | null;
  masked_url: string;
  event: string;
  title: string;
  at: number;
  ok: number;
  status: number | null;
  error: string | null;
  attempt: number;
}

export interface NotifyTables {
  notify_targets: NotifyTargetsTable;
  notify_outbox: NotifyOutboxTable;
  notify_deliveries: NotifyDeliveriesTable;
}

export type NotifyTargetRow = Selectable<NotifyTargetsTable>;
export type NotifyOutboxRow = Selectable<NotifyOutboxTable>;
export type NotifyDeliveryRow = Selectable<NotifyDeliveriesTable>;
