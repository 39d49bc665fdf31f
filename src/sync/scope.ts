/**
 * Whose Plex state a row of the sync's Plex mirror is. Watch state is per Plex account (each
 * person reads the server with their own token), so the mirror keeps one copy of the selected
 * libraries per person, keyed by a scope where it used to be keyed by the server alone: the
 * owner's scope is the server's machineIdentifier itself (every row from before households
 * stays the owner's), anyone else's is `<machineIdentifier>~<plexAccountId>`. Everything keyed
 * by the server (plex_items, the removals baseline, the Plex marker, the ledger's plex_key)
 * follows, so the plan's SQL is the same for every person.
 */
import { OWNER_ACCOUNT_ID } from '../db/repos/people.js';

const SEP = '~';

export function plexScope(machineIdentifier: string, plexAccountId: number): string {
  return plexAccountId === OWNER_ACCOUNT_ID ? machineIdentifier : `${machineIdentifier}${SEP}${plexAccountId}`;
}

/** The Plex account a scope (or a ledger plex_key's server part) belongs to. */
export function personOfScope(scope: string): number {
  const at = scope.lastIndexOf(SEP);
  if (at < 0) return OWNER_ACCOUNT_ID;
  const id = Number(scope.slice(at + 1));
  return Number.isInteger(id) ? id : OWNER_ACCOUNT_ID;
}

/** The server's machineIdentifier of a scope. */
export function serverOfScope(scope: string): string {
  const at = scope.lastIndexOf(SEP);
  return at < 0 ? scope : scope.slice(0, at);
}

/** The scope part of a ledger plex_key (`<scope>:<ratingKey>`). */
export function scopeOfPlexKey(plexKey: string): string {
  return plexKey.slice(0, plexKey.indexOf(':'));
}
