/**
 * Connecting Plex, shared by the settings page and `plex-trakt-sync login plex`: accept a
 * plex.tv token (checked with /api/v2/user, stored sealed), list the account's servers
 * with their connections tested, and store the chosen server (a plex.tv resource or a
 * manual URL + token) only after it answered as itself with the token.
 */
import { upsertPlexAccount, getPlexOwner, saveSelectedServer } from '../db/repos/plex.js';
import type { Core } from '../core.js';
import { PlexError, PlexUnauthorizedError } from '../plex/errors.js';
import { NO_RETRY } from '../plex/http.js';
import { bestConnection, CONNECT_TIMEOUT_MS, testConnections, type ConnectionTest } from '../plex/pick-connection.js';
import { PlexServerClient } from '../plex/server-client.js';
import type { PlexResource, PlexTvUser } from '../plex/types.js';
import type { PlexConnection } from './connection.js';

/** What connecting Plex uses: the database, the cipher for tokens, log scrubbing, the log, and the connection. */
export type PlexLoginDeps = Pick<Core, 'db' | 'cipher' | 'secretRegistry' | 'log'> & { plex: PlexConnection };

export interface SignedInAccount {
  accountId: number;
  user: PlexTvUser;
}

/** Checks a plex.tv token and stores its account (sealed) as the connected one. Throws PlexError sentences. */
export async function acceptPlexToken(deps: PlexLoginDeps, token: string, quick = false): Promise<SignedInAccount> {
  deps.secretRegistry.add(token);
  const tv = await deps.plex.tv();
  const user = await tv.user(token, quick ? { timeoutMs: deps.plex.overrides.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, retry: NO_RETRY } : {});
  const accountId = await upsertPlexAccount(deps.db, { plexUserId: user.id, username: user.username, title: user.title ?? null, sealedToken: deps.cipher.encrypt(token), isOwner: true });
  deps.log.info({ component: 'plex', plexUser: user.username }, 'Plex account signed in');
  return { accountId, user };
}

/** The signed-in account's plex.tv token, or null. */
export async function ownerToken(deps: PlexLoginDeps): Promise<{ accountId: number; username: string; token: string } | null> {
  const owner = await getPlexOwner(deps.db);
  if (!owner?.token) return null;
  const token = deps.cipher.decrypt(owner.token);
  deps.secretRegistry.add(token);
  return { accountId: owner.id, username: owner.username, token };
}

export interface ServerChoice {
  resource: PlexResource;
  tests: ConnectionTest[];
  best?: ConnectionTest;
}

/** The account's servers (owned first), every connection tested at once (5 s each). */
export async function listServerChoices(deps: PlexLoginDeps, token: string): Promise<ServerChoice[]> {
  const tv = await deps.plex.tv();
  const servers = await tv.servers(token);
  for (const s of servers) deps.secretRegistry.add(s.accessToken);
  const clientIdentifier = await deps.plex.clientIdentifier();
  const timeoutMs = deps.plex.overrides.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const choices = await Promise.all(
    servers.map(async (resource) => {
      const tests = await testConnections(resource, { clientIdentifier, fetch: deps.plex.overrides.fetch, timeoutMs });
      return { resource, tests, best: bestConnection(tests) };
    }),
  );
  return choices.sort((a, b) => Number(b.resource.owned) - Number(a.resource.owned));
}

export type ConnectResult =
  | { ok: true; serverId: number; name: string; url: string; version?: string }
  | { ok: false; field: 'url' | 'token' | 'server'; message: string };

/** Checks a URL before any request: http(s), a host, no credentials or fragment. */
export function checkServerUrl(raw: string): { url: string } | { error: string } {
  const text = raw.trim();
  if (!text) return { error: 'Enter the address of your Plex server, like http://192.168.1.10:32400.' };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { error: 'That is not a URL: write it like http://192.168.1.10:32400 (with http:// or https://).' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: 'The address must start with http:// or https://.' };
  if (u.username || u.password) return { error: 'Leave the user name and password out of the address: the token goes in its own field.' };
  if (u.search || u.hash) return { error: 'Leave the query (?…) and fragment (#…) out of the address.' };
  return { url: text.replace(/\/+$/, '') };
}

/** Proves a URL + token: the server answers in time (5 s) and accepts the token. Returns name and identifier. */
export async function probeServer(deps: PlexLoginDeps, url: string, token: string): Promise<{ name: string; machineIdentifier: string; version?: string } | { field: 'url' | 'token'; message: string }> {
  deps.secretRegistry.add(token);
  const client = new PlexServerClient({
    baseUrl: url,
    token,
    clientIdentifier: await deps.plex.clientIdentifier(),
    fetch: deps.plex.overrides.fetch,
    retry: NO_RETRY,
  });
  const timeoutMs = deps.plex.overrides.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  try {
    await client.identity({ timeoutMs, retry: NO_RETRY });
  } catch (err) {
    if (err instanceof PlexError) return { field: 'url', message: err.message };
    throw err;
  }
  try {
    return await client.serverInfo({ timeoutMs, retry: NO_RETRY });
  } catch (err) {
    if (err instanceof PlexUnauthorizedError) return { field: 'token', message: 'The Plex server refused this token. Copy the token again (Plex Web → any item → Get Info → View XML, the X-Plex-Token in the address), or sign in with Plex instead.' };
    if (err instanceof PlexError) return { field: 'url', message: err.message };
    throw err;
  }
}

/** Stores a server picked from plex.tv resources, over `uri`, after testing it with its own access token. */
export async function connectResource(deps: PlexLoginDeps, accountId: number, resource: PlexResource, uri: string): Promise<ConnectResult> {
  if (!resource.accessToken) return { ok: false, field: 'server', message: `plex.tv gave no access token for "${resource.name}". Ask the server owner to share it again, or use a URL and token.` };
  if (!resource.connections.some((c) => c.uri === uri)) return { ok: false, field: 'server', message: 'That connection is not one plex.tv lists for this server. Pick one from the list.' };
  const probe = await probeServer(deps, uri, resource.accessToken);
  if ('field' in probe) return { ok: false, field: 'server', message: probe.message };
  if (probe.machineIdentifier !== resource.clientIdentifier) return { ok: false, field: 'server', message: `Another Plex server answers at ${uri}. Pick another connection.` };
  const serverId = await saveSelectedServer(deps.db, {
    name: resource.name,
    machineIdentifier: resource.clientIdentifier,
    url: uri,
    sealedAccessToken: deps.cipher.encrypt(resource.accessToken),
    accountId,
    source: 'pin',
    version: probe.version ?? null,
  });
  // The connected account owns this server or is a user of someone else's.
  await deps.db.updateTable('plex_accounts').set({ is_owner: resource.owned ? 1 : 0 }).where('id', '=', accountId).execute();
  deps.log.info({ component: 'plex', server: resource.name, url: uri }, 'Plex server connected');
  return { ok: true, serverId, name: resource.name, url: uri, version: probe.version };
}

/** Stores a server given by URL + token, after /identity and an authenticated call both succeeded. */
export async function connectManual(deps: PlexLoginDeps, rawUrl: string, rawToken: string): Promise<ConnectResult> {
  const checked = checkServerUrl(rawUrl);
  if ('error' in checked) return { ok: false, field: 'url', message: checked.error };
  const token = rawToken.trim();
  if (!token) return { ok: false, field: 'token', message: 'Enter the Plex token (X-Plex-Token) for this server.' };
  if (!/^[A-Za-z0-9_~.-]{8,200}$/.test(token)) return { ok: false, field: 'token', message: 'That does not look like a Plex token: it is a string of letters, digits, - and _ (usually 20 characters).' };
  const probe = await probeServer(deps, checked.url, token);
  if ('field' in probe) return { ok: false, field: probe.field, message: probe.message };
  // Learn whose token it is when plex.tv knows it (for mapping webhooks); a server-only token is fine too.
  let accountId: number | null = null;
  try {
    accountId = (await acceptPlexToken(deps, token, true)).accountId;
  } catch {
    accountId = null;
  }
  const serverId = await saveSelectedServer(deps.db, {
    name: probe.name,
    machineIdentifier: probe.machineIdentifier,
    url: checked.url,
    sealedAccessToken: deps.cipher.encrypt(token),
    accountId,
    source: 'manual',
    version: probe.version ?? null,
  });
  deps.log.info({ component: 'plex', server: probe.name, url: checked.url }, 'Plex server connected by URL and token');
  return { ok: true, serverId, name: probe.name, url: checked.url, version: probe.version };
}
