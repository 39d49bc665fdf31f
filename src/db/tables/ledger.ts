/**
 * The ledger: one row per intended write to Trakt or Plex, written as `intent` before
 * the request and settled to `sent`/`failed` with the answer. It is the memory that
 * keeps a play from ever being sent twice (Trakt does not de-duplicate plays).
 */
import type { Generated, Selectable } from 'kysely';

export type LedgerTarget = 'trakt' | 'plex';
export type LedgerAction =
  | 'history.add'
  | 'history.remove'
  | 'rating.add'
  | 'rating.remove'
  | 'scrobble.start'
  | 'scrobble.pause'
  | 'scrobble.stop'
  | 'plex.watched'
  | 'plex.unwatched'
  | 'plex.rate';
export type LedgerStatus = 'intent' | 'sent' | 'failed';
export type LedgerSource = 'webhook' | 'sync';
export type MediaType = 'movie' | 'episode' | 'show';

export interface LedgerTable {
  id: Generated<number>;
  target: LedgerTarget;
  /** trakt_accounts.id for Trakt writes; the Plex account id for Plex writes. */
  account_id: number;
  action: LedgerAction;
  media_type: MediaType;
  /** Canonical identity of the item (see src/ledger/item-key.ts). */
  item_key: string;
  /** `<machineIdentifier>:<ratingKey>` when the item came from Plex. */
  plex_key: string | null;
  /** Display title, for the pages. */
  title: string | null;
  watched_at: number | null;
  rating: number | null;
  progress: number | null;
  source: LedgerSource;
  /** webhook_events.id or sync_runs.id. */
  source_id: number | null;
  /** Rows written in one request share a batch id. */
  batch_id: string | null;
  status: LedgerStatus;
  /** Trakt's answer for this item: 'added', 'not_found', 'scrobble', 'conflict', 'absent after crash'… */
  outcome: string | null;
  /** The exact item body sent (JSON), so a retry or a settle knows what it was. */
  request: string | null;
  error: string | null;
  trakt_history_id: number | null;
  /** A rating write: the value it replaced (0: there was none; null: not recorded), so an undo can put it back. */
  previous_rating: number | null;
  /** A row of an undo run: the ledger row it undoes. */
  undoes: number | null;
  created_at: number;
  updated_at: number;
}

export interface TraktNotFoundTable {
  account_id: number;
  item_key: string;
  /** The ids as they were when Trakt said not_found; new ids mean we try again. */
  ids_hash: string;
  title: string | null;
  at: number;
}

export interface LedgerTables {
  ledger: LedgerTable;
  trakt_not_found: TraktNotFoundTable;
}

export type LedgerRow = Selectable<LedgerTable>;
