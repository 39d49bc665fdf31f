/**
 * The real ports: Trakt accounts and their shared client (engineer A's registry, so the
 * worker and the sync spend one budget per account). The Plex side (connected server,
 * library selection, lookups) waits for engineer B's modules: until then events from any
 * server and library are accepted and positions come from the payload only.
 */
import { defaultTraktAccount, getTraktAccount, listTraktAccounts } from '../db/repos/trakt-accounts.js';
import { traktClients } from '../trakt/registry.js';
import type { AppDeps } from '../web/env.js';
import type { ScrobblePorts, TraktWriter } from './ports.js';
import { traktWriterFrom } from './trakt-writer.js';

export function createScrobblePorts(deps: AppDeps): ScrobblePorts {
  const writers = new Map<number, TraktWriter>();
  return {
    connectedServer: async () => null,
    librarySelected: async () => true,
    defaultTraktAccount: async () => (await defaultTraktAccount(deps.db))?.id ?? null,
    traktAccounts: async () => (await listTraktAccounts(deps.db)).map((a) => ({ id: a.id, username: a.username })),
    traktWriter: async (id) => {
      const account = await getTraktAccount(deps.db, id);
      if (!account || account.status === 'disconnected') return null;
      let writer = writers.get(id);
      if (!writer) {
        try {
          writer = traktWriterFrom(await traktClients(deps).forAccount(id));
        } catch {
          return null; // no Trakt app set up: the event waits and says so
        }
        writers.set(id, writer);
      }
      return writer;
    },
    plex: async () => null,
  };
}
