/**
 * Whose accounts an undo writes through. A run covers the household person by person, so its
 * ledger rows belong to several people: each Trakt row (its `account_id`) is undone through that
 * Trakt account's own client, each Plex row (its plex_key's scope) with that person's own Plex
 * token. A row whose account cannot be reached makes the undo refuse with a sentence rather than
 * take it back through somebody else's account.
 */
import type { LedgerRow } from '../db/tables/ledger.js';
import type { SyncPlex, SyncPorts, SyncTrakt } from '../sync/ports.js';
import { householdFor } from '../sync/household.js';
import { personOfScope, scopeOfPlexKey } from '../sync/scope.js';

export interface UndoSides {
  /** By Trakt account id. */
  trakt: Map<number, SyncTrakt>;
  /** By Plex scope (the server's machineIdentifier for the owner, `<id>~<plexAccountId>` for anyone else). */
  plex: Map<string, SyncPlex>;
}

export async function undoSides(ports: SyncPorts, traktRows: LedgerRow[], plexRows: LedgerRow[]): Promise<UndoSides | string> {
  const out: UndoSides = { trakt: new Map(), plex: new Map() };
  const accounts = [...new Set(traktRows.map((r) => r.account_id))];
  if (accounts.length) {
    const own = await ports.trakt();
    for (const id of accounts) {
      const port = own?.accountId === id ? own : ports.traktFor ? await ports.traktFor(id) : null;
      if (!port) {
        return own || ports.traktFor
          ? `Some of these writes went to a Trakt account that is not connected now (account ${id}): connect it again in Settings → People, then undo again.`
          : 'Trakt is not connected. Connect the Trakt account in Settings, then undo again.';
      }
      out.trakt.set(id, port);
    }
  }
  const scopes = [...new Set(plexRows.filter((r) => r.plex_key).map((r) => scopeOfPlexKey(r.plex_key!)))];
  if (scopes.length) {
    const owner = await ports.plex();
    if (!owner) return 'Plex is not connected. Sign in with Plex in Settings, then undo again.';
    const people = await householdFor(ports);
    for (const scope of scopes) {
      if (scope === owner.machineIdentifier) {
        out.plex.set(scope, owner);
        continue;
      }
      const id = personOfScope(scope);
      const person = people.find((p) => p.plexAccountId === id);
      const sides = person ? await person.open().catch((err: unknown) => String(err instanceof Error ? err.message : err)) : `Plex account ${id} is no longer in the household.`;
      if (typeof sides === 'string' || sides.plex.machineIdentifier !== scope) {
        const why = typeof sides === 'string' ? sides : 'their Plex state is now on another server';
        return `The marks made for ${person?.name ?? `Plex account ${id}`} cannot be taken back with their own Plex token (${why.replace(/\.$/, '')}); nothing was undone. Fix that in Settings → People, then undo again.`;
      }
      out.plex.set(scope, sides.plex);
    }
  }
  return out;
}
