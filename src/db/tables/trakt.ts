/**
 * Trakt accounts: who is connected and their OAuth pair (encrypted with deps.cipher).
 * Several accounts are allowed by the schema; the settings page connects one.
 */
import type { Generated, Selectable } from 'kysely';

/** 'disconnected' keeps the row (ledger rows and events point at its id) but no tokens. */
export type TraktAccountStatus = 'connected' | 'needs_login' | 'disconnected';

export interface TraktAccountsTable {
  id: Generated<number>;
  username: string;
  slug: string;
  name: string | null;
  /** 0/1, from /users/settings at login. */
  vip: number;
  /** The Trakt app (client id) that issued the tokens; a refresh must use the same app. */
  client_id: string;
  /** Sealed with deps.cipher; null once disconnected. */
  access_token: string | null;
  refresh_token: string | null;
  /** When Trakt issued the pair (created_at × 1000). */
  token_created_at: number | null;
  /** created_at + expires_in, epoch ms. */
  expires_at: number | null;
  /** Bumped on every stored pair, so a refresh can tell that another process already refreshed. */
  token_version: number;
  status: TraktAccountStatus;
  last_error: string | null;
  connected_at: number;
  updated_at: number;
}

export interface TraktTables {
  trakt_accounts: TraktAccountsTable;
}

export type TraktAccountRow = Selectable<TraktAccountsTable>;
