/**
 * People (households): one row per Plex account known, keyed by the id webhooks carry as
 * Account.id (1 = the server owner). The PIN and the friend's server token are sealed with
 * the cipher; booleans are 0/1.
 */
import type { Generated, Selectable } from 'kysely';

export type PersonKind = 'owner' | 'home' | 'friend';
/** Whether the service can read this person's Plex state with their own token. */
export type PlexAccess = 'ok' | 'pin_needed' | 'refused' | 'none';

export interface PeopleTable {
  plex_account_id: number;
  /** plex.tv's id (the owner's is not 1) and uuid (the Home switch takes either). */
  plex_tv_id: number | null;
  uuid: string | null;
  name: string;
  kind: PersonKind;
  /** 0/1: a Home user with a PIN. */
  protected: Generated<number>;
  /** The Home user's PIN, sealed; set once plex.tv accepted it. */
  pin: string | null;
  /** Their own token for the connected server, sealed: a friend's from plex.tv's shared servers, a Home user's after the switch. */
  plex_token: string | null;
  plex_access: Generated<PlexAccess>;
  /** Why plex_access is not ok, as a sentence. */
  plex_access_note: string | null;
  /** Their own Trakt account; null: none (the owner then uses the connected one). */
  trakt_account_id: number | null;
  webhooks: Generated<number>;
  sync: Generated<number>;
  /** Last time plex.tv listed them (Home users, friends); null: only seen in webhooks. */
  listed_at: number | null;
  /** Last webhook from them. */
  last_seen_at: number | null;
  first_seen_at: number;
  updated_at: number;
}

export interface PeopleTables {
  people: PeopleTable;
}

export type PersonRow = Selectable<PeopleTable>;
