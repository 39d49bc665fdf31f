/**
 * Plex: the accounts signed in (owner and, later, home users), the chosen server with its
 * own access token, and the library sections the user ticked. Tokens are sealed with
 * deps.cipher. The schema allows several accounts and servers; the settings page connects
 * one server (`selected = 1`).
 */
import type { Generated, Selectable } from 'kysely';

export interface PlexAccountsTable {
  id: Generated<number>;
  /** plex.tv's account id (`/api/v2/user` id; not the 1 webhooks use for the owner). */
  plex_user_id: number;
  username: string;
  title: string | null;
  /** The plex.tv token, sealed; null once signed out. */
  token: string | null;
  /** 0/1: the server owner (webhooks say Account.id 1). */
  is_owner: number;
  created_at: number;
  updated_at: number;
}

export interface PlexServersTable {
  id: Generated<number>;
  name: string;
  machine_identifier: string;
  /** The connection in use (a base URL; may carry a path). */
  url: string;
  /** The server's own access token (from /api/v2/resources, or typed in), sealed. */
  access_token: string;
  /** The account that picked it; null for a manual URL + token whose owner plex.tv did not tell. */
  account_id: number | null;
  /** 'pin' (picked from plex.tv resources) or 'manual'. */
  source: string;
  version: string | null;
  /** 0/1: the server this service syncs with (at most one). */
  selected: number;
  created_at: number;
  updated_at: number;
}

export interface PlexLibrarySectionsTable {
  server_id: number;
  section_key: string;
  title: string;
  /** 'movie' | 'show'. */
  type: string;
  /** 0/1. A movie or show section the server gained later is synced until unticked. */
  selected: number;
  updated_at: number;
}

export interface PlexTables {
  plex_accounts: PlexAccountsTable;
  plex_servers: PlexServersTable;
  plex_library_sections: PlexLibrarySectionsTable;
}

export type PlexAccountRow = Selectable<PlexAccountsTable>;
export type PlexServerRow = Selectable<PlexServersTable>;
export type PlexLibrarySectionRow = Selectable<PlexLibrarySectionsTable>;
