/**
 * The real sync ports: the connected Trakt account's shared client (one registry, so the
 * webhook worker and the sync spend one budget) and the connected Plex server (PLEX_URL +
 * PLEX_TOKEN, else the server chosen in Settings) with its selected sections; null when
 * nothing is connected, and a run says "connect Plex".
 */
import { defaultTraktAccount, getTraktAccount } from '../db/repos/trakt-accounts.js';
import type { TraktTransport } from '../trakt/client-core.js';
import type { Db } from '../db/database.js';
import type { TraktClientRegistry } from '../trakt/registry.js';
import { historyReader } from '../ledger/trakt-history-read.js';
import type { PlexConnection } from '../plex-connection/connection.js';
import { syncPlexPort } from '../plex-connection/ports.js';
import type { SyncPlex, SyncPorts, SyncTrakt, TraktResponse } from './ports.js';
import type { Cipher } from '../security/crypto.js';
import type { PeopleService } from '../people/service.js';
import { householdOf } from './household.js';

export { plexPortFrom } from './plex-port.js';

function splitQuery(pathWithQuery: string): [string, Record<string, string>] {
  const [path, query] = pathWithQuery.split('?');
  return [path!, Object.fromEntries(new URLSearchParams(query ?? ''))];
}

/** Adapts a Trakt client: any HTTP answer comes back; only "no answer" throws. */
export function traktPortFrom(client: Pick<TraktTransport, 'send'>, accountId: number): SyncTrakt {
  const call = async (method: string, pathWithQuery: string, body?: unknown): Promise<TraktResponse> => {
    const [path, query] = splitQuery(pathWithQuery);
    const a = await client.send(method, path, { query, body });
    const headers: Record<string, string> = {};
    a.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    return { status: a.status, body: a.body, headers };
  };
  return {
    accountId,
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b),
    probe: historyReader((p) => call('GET', p)),
  };
}

export interface SyncPortOverrides {
  plex?: () => Promise<SyncPlex | null>;
}

export type SyncPortDeps = {
  db: Db;
  plex: PlexConnection;
  traktClients: TraktClientRegistry;
  /** With the cipher (which opens the people's stored tokens) a run covers the household; without it, the owner alone. */
  cipher?: Pick<Cipher, 'decrypt'>;
  /** Gets a Home user's server token by plex.tv's switch when none is stored, and a new one for anyone whose token the server refused. */
  people?: Pick<PeopleService, 'homeToken' | 'renewToken'>;
};

export function createSyncPorts(deps: SyncPortDeps, overrides: SyncPortOverrides = {}): SyncPorts {
  const plex = overrides.plex ?? syncPlexPort(deps.plex);
  const traktFor = async (accountId: number) => traktPortFrom(await deps.traktClients.forAccount(accountId), accountId);
  const { cipher, people } = deps;
  return {
    plex,
    trakt: async () => {
      const account = await defaultTraktAccount(deps.db);
      if (!account || account.status === 'disconnected') return null;
      return traktFor(account.id);
    },
    traktFor: async (accountId) => {
      const account = await getTraktAccount(deps.db, accountId);
      return account && account.status !== 'disconnected' ? traktFor(accountId) : null;
    },
    ...(cipher
      ? { household: (owner: Pick<SyncPorts, 'plex' | 'trakt'>) => householdOf({ db: deps.db, cipher, plex: deps.plex, owner, trakt: traktFor, homeToken: people ? (id) => people.homeToken(id) : undefined, renewToken: people ? (id, refused) => people.renewToken(id, refused) : undefined }) }
      : {}),
  };
}
