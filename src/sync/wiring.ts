/**
 * The real sync ports: the connected Trakt account's shared client (engineer A's
 * registry, so the webhook worker and the sync spend one budget) and the Plex server
 * (engineer B's client): for now the server preset by PLEX_URL/PLEX_TOKEN, else null and a
 * run says "connect Plex".
 */
import { defaultTraktAccount } from '../db/repos/trakt-accounts.js';
import type { TraktTransport } from '../trakt/client-core.js';
import { traktClients } from '../trakt/registry.js';
import { historyProbe } from '../scrobble/history-probe.js';
import type { AppDeps } from '../web/env.js';
import { PlexServerClient } from '../plex/server-client.js';
import type { PlexMeta, PlexSectionRef, SyncPlex, SyncPorts, SyncTrakt, TraktResponse } from './ports.js';

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
    probe: historyProbe((p) => call('GET', p)),
  };
}

/**
 * Adapts engineer B's Plex server client. `selected` says which movie/show sections are
 * synced (default: every movie and show library, the product's default).
 */
export function plexPortFrom(client: Pick<PlexServerClient, 'sections' | 'itemsPage' | 'markWatched' | 'rate'>, machineIdentifier: string, selected: (key: string) => boolean = () => true): SyncPlex {
  return {
    machineIdentifier,
    async sections(): Promise<PlexSectionRef[]> {
      return (await client.sections())
        .filter((s) => (s.type === 'movie' || s.type === 'show') && selected(s.key))
        .map((s) => ({ id: s.key, type: s.type as 'movie' | 'show', title: s.title }));
    },
    async items(sectionId, type, page) {
      const p = await client.itemsPage(sectionId, type, page);
      return { items: p.items as unknown as PlexMeta[], totalSize: p.totalSize };
    },
    markWatched: (ratingKey) => client.markWatched(ratingKey),
    rate: (ratingKey, rating) => client.rate(ratingKey, rating),
  };
}

export interface SyncPortOverrides {
  plex?: () => Promise<SyncPlex | null>;
}

/**
 * The Plex server preset by PLEX_URL + PLEX_TOKEN, every movie and show library. (The server
 * chosen by the PIN login and the selected sections come from engineer B's settings once
 * they land; until then only the preset is used.)
 */
function presetPlex(deps: AppDeps): () => Promise<SyncPlex | null> {
  let port: SyncPlex | undefined;
  return async () => {
    const { url, token } = deps.config.plex;
    if (!url || !token) return null;
    if (port) return port;
    deps.secretRegistry.add(token);
    const client = new PlexServerClient({ baseUrl: url, token, clientIdentifier: `plex-trakt-sync-${deps.version}`, version: deps.version });
    const { machineIdentifier } = await client.identity();
    port = plexPortFrom(client, machineIdentifier);
    return port;
  };
}

export function createSyncPorts(deps: AppDeps, overrides: SyncPortOverrides = {}): SyncPorts {
  return {
    plex: overrides.plex ?? presetPlex(deps),
    trakt: async () => {
      const account = await defaultTraktAccount(deps.db);
      if (!account || account.status === 'disconnected') return null;
      return traktPortFrom(await traktClients(deps).forAccount(account.id), account.id);
    },
  };
}
