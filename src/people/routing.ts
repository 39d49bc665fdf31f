/**
 * The one answer to "which Trakt account do this Plex account's plays go to?", for every
 * real-time source (webhooks, live sessions): the person's own Trakt account; the server
 * owner without one keeps the connected (default) account; anyone else without one is
 * ignored, with the reason as a sentence for the event.
 */
import type { Db } from '../db/database.js';
import { notePersonSeen, OWNER_ACCOUNT_ID } from '../db/repos/people.js';
import { getTraktAccount } from '../db/repos/trakt-accounts.js';

export interface PlayedBy {
  /** Account.id as the event says (1 = the server owner); null when it names none. */
  accountId: number | null;
  accountTitle: string | null;
}

export interface RoutingDeps {
  db: Db;
  /** The owner's Trakt account when they have none of their own: the connected one (null: none connected). */
  defaultTraktAccount(): Promise<number | null>;
  /** The plex.tv username of the server owner, matched against Account.title. */
  ownerUsername?: string | null;
  now(): number;
}

export type Route = { traktAccountId: number; plexAccountId: number } | { ignored: string };

/** Whether the event's account is the server owner (Account.id 1, or the owner's plex.tv username as title). */
export function isOwner(by: PlayedBy, ownerUsername?: string | null): boolean {
  if (by.accountId === OWNER_ACCOUNT_ID) return true;
  return !!ownerUsername && !!by.accountTitle && by.accountTitle.trim().toLowerCase() === ownerUsername.trim().toLowerCase();
}

export async function traktAccountFor(deps: RoutingDeps, by: PlayedBy): Promise<Route> {
  if (by.accountId === null) return { ignored: 'The payload names no Plex account.' };
  const owner = isOwner(by, deps.ownerUsername);
  // The owner is one person however the event names them (id 1, or their plex.tv id with their username).
  const person = await notePersonSeen(deps.db, owner ? OWNER_ACCOUNT_ID : by.accountId, by.accountTitle, deps.now());
  const name = person.name;
  if (!person.webhooks) return { ignored: `Webhooks are off for ${name}: turn them on in Settings → People.` };
  if (person.trakt_account_id !== null) {
    const trakt = await getTraktAccount(deps.db, person.trakt_account_id);
    if (trakt?.status === 'disconnected') return { ignored: `${name}'s Trakt account is disconnected: connect it again in Settings → People.` };
    return { traktAccountId: person.trakt_account_id, plexAccountId: person.plex_account_id };
  }
  if (!owner) return { ignored: `${name} has no Trakt account: connect one for them in Settings → People.` };
  const id = await deps.defaultTraktAccount();
  if (id === null) return { ignored: 'Trakt is not connected: connect it in Settings, then retry.' };
  return { traktAccountId: id, plexAccountId: OWNER_ACCOUNT_ID };
}
