/**
 * The Plex connection every feature uses, without reading settings itself: the server
 * client (PLEX_URL + PLEX_TOKEN win, else the server chosen in Settings), the owner
 * account that webhooks map to the connected Trakt account, and the library sections to
 * sync (every movie and show section unless unticked).
 */
import { getPlexOwner, getSelectedServer, listSectionSelection, saveSelectedServer } from '../db/repos/plex.js';
import type { AppDeps } from '../web/env.js';
import { plexClientIdentifier } from './client-id.js';
import { NO_RETRY } from './http.js';
import { PlexServerClient } from './server-client.js';
import { PlexTvClient } from './tv-client.js';
import type { PlexSection } from './types.js';

export type PlexConnectionInfo =
  | { state: 'none'; problem?: string }
  | {
      state: 'connected';
      source: 'env' | 'stored';
      url: string;
      /** Known for a stored server; for the environment's, after the first `/identity`. */
      name: string | null;
      machineIdentifier: string | null;
      serverId: number | null;
      ownerUsername: string | null;
    };

const clientCache = new WeakMap<AppDeps, Map<string, PlexServerClient>>();

/** Both PLEX_URL and PLEX_TOKEN, or a sentence saying which one is missing. */
export function envPreset(deps: AppDeps): { url: string; token: string } | { problem: string } | null {
  const { url, token } = deps.config.plex;
  if (url && token) return { url, token };
  if (url) return { problem: 'PLEX_URL is set but PLEX_TOKEN is not: set both in the environment, or neither and sign in with Plex in Settings.' };
  if (token) return { problem: 'PLEX_TOKEN is set but PLEX_URL is not: set both in the environment, or neither and sign in with Plex in Settings.' };
  return null;
}

/** The server chosen in Settings (one remembered from a former PLEX_URL does not count once that is gone). */
async function storedServer(deps: AppDeps) {
  const row = await getSelectedServer(deps.db);
  return row && row.source !== 'env' ? row : undefined;
}

/** What is connected, from the environment and the database only (no network). */
export async function plexConnectionInfo(deps: AppDeps): Promise<PlexConnectionInfo> {
  const env = envPreset(deps);
  const owner = await getPlexOwner(deps.db);
  if (env && 'url' in env) {
    // The environment's server, as remembered after its first answer (name, identifier, library choices).
    const row = await getSelectedServer(deps.db);
    const known = row && row.source === 'env' && row.url === env.url ? row : undefined;
    return { state: 'connected', source: 'env', url: env.url, name: known?.name ?? null, machineIdentifier: known?.machine_identifier ?? null, serverId: known?.id ?? null, ownerUsername: owner?.username ?? null };
  }
  const server = await storedServer(deps);
  if (!server) return { state: 'none', problem: env && 'problem' in env ? env.problem : undefined };
  return { state: 'connected', source: 'stored', url: server.url, name: server.name, machineIdentifier: server.machine_identifier, serverId: server.id, ownerUsername: owner?.username ?? null };
}

/** A server client for a URL + token, shared per deps so counters add up. */
export async function serverClientFor(deps: AppDeps, url: string, token: string): Promise<PlexServerClient> {
  deps.secretRegistry.add(token);
  let cache = clientCache.get(deps);
  if (!cache) clientCache.set(deps, (cache = new Map()));
  const key = `${url}\n${token}`;
  let client = cache.get(key);
  if (!client) {
    const o = deps.plex ?? {};
    client = new PlexServerClient({
      baseUrl: url,
      token,
      clientIdentifier: await plexClientIdentifier(deps.db),
      version: deps.version,
      fetch: o.fetch,
      timeoutMs: o.timeoutMs ?? 15_000,
      retry: o.retry,
      sleep: o.sleep,
    });
    cache.set(key, client);
  }
  return client;
}

/** The configured server's client, or null when no server is connected. */
export async function plexServerFor(deps: AppDeps): Promise<PlexServerClient | null> {
  const env = envPreset(deps);
  if (env && 'url' in env) return serverClientFor(deps, env.url, env.token);
  const server = await storedServer(deps);
  if (!server) return null;
  return serverClientFor(deps, server.url, deps.cipher.decrypt(server.access_token));
}

/**
 * plex.tv (PLEX_TV_URL) with this install's client identifier. `interactive`: a person is
 * waiting (settings page), so one try within the connect timeout; they can click again.
 */
export async function plexTvFor(deps: AppDeps, opts: { interactive?: boolean } = {}): Promise<PlexTvClient> {
  const o = deps.plex ?? {};
  return new PlexTvClient({
    baseUrl: deps.config.plex.tvUrl,
    clientIdentifier: await plexClientIdentifier(deps.db),
    version: deps.version,
    fetch: o.fetch,
    timeoutMs: opts.interactive ? (o.connectTimeoutMs ?? 5_000) : (o.timeoutMs ?? 15_000),
    retry: opts.interactive ? NO_RETRY : o.retry,
    sleep: o.sleep,
  });
}

/** Asks the environment's server who it is and remembers it (so its libraries can be chosen like a stored server's). */
export async function rememberEnvServer(deps: AppDeps): Promise<number | null> {
  const env = envPreset(deps);
  if (!env || !('url' in env)) return null;
  const client = await serverClientFor(deps, env.url, env.token);
  const info = await client.serverInfo();
  return saveSelectedServer(deps.db, {
    name: info.name,
    machineIdentifier: info.machineIdentifier,
    url: env.url,
    sealedAccessToken: deps.cipher.encrypt(env.token),
    accountId: null,
    source: 'env',
    version: info.version ?? null,
  });
}

/** The connected server's machine identifier (webhooks carry it as Server.uuid); asks the environment's server once. */
export async function connectedMachineIdentifier(deps: AppDeps): Promise<string | null> {
  const info = await plexConnectionInfo(deps);
  if (info.state !== 'connected') return null;
  if (info.machineIdentifier) return info.machineIdentifier;
  await rememberEnvServer(deps);
  const again = await plexConnectionInfo(deps);
  return again.state === 'connected' ? again.machineIdentifier : null;
}

/** The signed-in server owner: plex.tv id and username (webhooks name the owner Account.id 1 or by this title). */
export async function plexOwner(deps: AppDeps): Promise<{ plexUserId: number; username: string; title: string | null } | null> {
  const owner = await getPlexOwner(deps.db);
  return owner ? { plexUserId: owner.plex_user_id, username: owner.username, title: owner.title } : null;
}

const SYNCABLE = new Set(['movie', 'show']);

/** The movie and show sections to sync: all of them, minus those unticked in Settings. */
export async function selectedSections(deps: AppDeps, client?: PlexServerClient): Promise<PlexSection[]> {
  const c = client ?? (await plexServerFor(deps));
  if (!c) return [];
  const sections = (await c.sections()).filter((s) => SYNCABLE.has(s.type));
  const info = await plexConnectionInfo(deps);
  if (info.state !== 'connected' || info.serverId === null) return sections;
  const unticked = new Set((await listSectionSelection(deps.db, info.serverId)).filter((r) => !r.selected).map((r) => r.section_key));
  return sections.filter((s) => !unticked.has(s.key));
}

/** Whether a section (by key, from a webhook's librarySectionID) is synced; no network. */
export async function sectionSelected(deps: AppDeps, sectionKey: string): Promise<boolean> {
  const info = await plexConnectionInfo(deps);
  if (info.state !== 'connected' || info.serverId === null) return true;
  const row = (await listSectionSelection(deps.db, info.serverId)).find((r) => r.section_key === sectionKey);
  return row ? row.selected === 1 : true;
}
