/**
 * The real ports: Trakt accounts and their shared client (one registry, so the worker and
 * the sync spend one budget per account), and the Plex side over the connected server: its
 * machine identifier and owner (events from other servers are ignored), the library
 * selection, and the lookups (live and saved positions, a show's ids).
 */
import { defaultTraktAccount, getTraktAccount, listTraktAccounts } from '../db/repos/trakt-accounts.js';
import type { Db } from '../db/database.js';
import type { TraktClientRegistry } from '../trakt/registry.js';
import type { PlexConnection } from '../plex-connection/connection.js';
import { scrobblePlexPorts } from '../plex-connection/ports.js';
import type { ScrobblePorts, TraktWriter } from './ports.js';
import { traktWriterFrom } from './trakt-writer.js';

export function createScrobblePorts(deps: { db: Db; plex: PlexConnection; traktClients: TraktClientRegistry }): ScrobblePorts {
  // One writer per client: the registry replaces an account's client when the Trakt app changes,
  // and the writer follows it (one client, one budget per account for the worker and the sync).
  const writers = new WeakMap<object, TraktWriter>();
  return {
    ...scrobblePlexPorts(deps.plex),
    defaultTraktAccount: async () => (await defaultTraktAccount(deps.db))?.id ?? null,
    traktAccounts: async () => (await listTraktAccounts(deps.db)).map((a) => ({ id: a.id, username: a.username })),
    traktWriter: async (id) => {
      const account = await getTraktAccount(deps.db, id);
      if (!account || account.status === 'disconnected') return null;
      let client;
      try {
        client = await deps.traktClients.forAccount(id);
      } catch {
        return null; // no Trakt app set up: the event waits and says so
      }
      let writer = writers.get(client);
      if (!writer) writers.set(client, (writer = traktWriterFrom(client)));
      return writer;
    },
  };
}
