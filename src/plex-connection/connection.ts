/**
 * What is stored about the Plex connection, and the clients built from it: the server
 * (PLEX_URL + PLEX_TOKEN win, else the server chosen in Settings), the owner account that
 * webhooks map to the connected Trakt account, and the library sections to sync (every
 * movie and show section unless unticked). The clients in src/plex only speak HTTP.
 */
import { getPlexOwner, getSelectedServer, listSectionSelection, saveSelectedServer } from '../db/repos/plex.js';
import type { Core } from '../core.js';
import { NO_RETRY } from '../plex/http.js';
import { PlexServerClient } from '../plex/server-client.js';
import { PlexTvClient } from '../plex/tv-client.js';
import type { PlexSection } from '../plex/types.js';
import { plexClientIdentifier } from './client-id.js';
import type { PlexOverrides } from './overrides.js';

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

export type PlexConnectionDeps = Pick<Core, 'config' | 'db' | 'cipher' | 'secretRegistry' | 'version'>;

const SYNCABLE = new Set(['movie', 'show']);

export class PlexConnection {
  /** Server clients by URL + token, so their counters add up. */
  private clients = new Map<string, PlexServerClient>();

  constructor(
    private readonly deps: PlexConnectionDeps,
    /** Tuning hooks (tests): read on each client built, so a test may change them after start. */
    public overrides: PlexOverrides = {},
  ) {}

  /** Both PLEX_URL and PLEX_TOKEN, or a sentence saying which one is missing. */
  envPreset(): { url: string; token: string } | { problem: string } | null {
    const { url, token } = this.deps.config.plex;
    if (url && token) return { url, token };
    if (url) return { problem: 'PLEX_URL is set but PLEX_TOKEN is not: set both in the environment, or neither and sign in with Plex in Settings.' };
    if (token) return { problem: 'PLEX_TOKEN is set but PLEX_URL is not: set both in the environment, or neither and sign in with Plex in Settings.' };
    return null;
  }

  /** This install's X-Plex-Client-Identifier. */
  clientIdentifier(): Promise<string> {
    return plexClientIdentifier(this.deps.db);
  }

  /** The server chosen in Settings (one remembered from a former PLEX_URL does not count once that is gone). */
  private async storedServer() {
    const row = await getSelectedServer(this.deps.db);
    return row && row.source !== 'env' ? row : undefined;
  }

  /** What is connected, from the environment and the database only (no network). */
  async info(): Promise<PlexConnectionInfo> {
    const env = this.envPreset();
    const owner = await getPlexOwner(this.deps.db);
    if (env && 'url' in env) {
      // The environment's server, as remembered after its first answer (name, identifier, library choices).
      const row = await getSelectedServer(this.deps.db);
      const known = row && row.source === 'env' && row.url === env.url ? row : undefined;
      return { state: 'connected', source: 'env', url: env.url, name: known?.name ?? null, machineIdentifier: known?.machine_identifier ?? null, serverId: known?.id ?? null, ownerUsername: owner?.username ?? null };
    }
    const server = await this.storedServer();
    if (!server) return { state: 'none', problem: env && 'problem' in env ? env.problem : undefined };
    return { state: 'connected', source: 'stored', url: server.url, name: server.name, machineIdentifier: server.machine_identifier, serverId: server.id, ownerUsername: owner?.username ?? null };
  }

  /** A server client for a URL + token, shared so counters add up. */
  async serverClientFor(url: string, token: string): Promise<PlexServerClient> {
    this.deps.secretRegistry.add(token);
    const key = `${url}\n${token}`;
    let client = this.clients.get(key);
    if (!client) {
      const o = this.overrides;
      client = new PlexServerClient({
        baseUrl: url,
        token,
        clientIdentifier: await this.clientIdentifier(),
        version: this.deps.version,
        fetch: o.fetch,
        timeoutMs: o.timeoutMs ?? 15_000,
        retry: o.retry,
        sleep: o.sleep,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** The configured server's client, or null when no server is connected. */
  async server(): Promise<PlexServerClient | null> {
    const env = this.envPreset();
    if (env && 'url' in env) return this.serverClientFor(env.url, env.token);
    const server = await this.storedServer();
    if (!server) return null;
    return this.serverClientFor(server.url, this.deps.cipher.decrypt(server.access_token));
  }

  /**
   * plex.tv (PLEX_TV_URL) with this install's client identifier. `interactive`: a person is
   * waiting (settings page), so one try within the connect timeout; they can click again.
   */
  async tv(opts: { interactive?: boolean } = {}): Promise<PlexTvClient> {
    const o = this.overrides;
    return new PlexTvClient({
      baseUrl: this.deps.config.plex.tvUrl,
      clientIdentifier: await this.clientIdentifier(),
      version: this.deps.version,
      fetch: o.fetch,
      timeoutMs: opts.interactive ? (o.connectTimeoutMs ?? 5_000) : (o.timeoutMs ?? 15_000),
      retry: opts.interactive ? NO_RETRY : o.retry,
      sleep: o.sleep,
    });
  }

  /** Asks the environment's server who it is and remembers it (so its libraries can be chosen like a stored server's). */
  async rememberEnvServer(): Promise<number | null> {
    const env = this.envPreset();
    if (!env || !('url' in env)) return null;
    const client = await this.serverClientFor(env.url, env.token);
    const info = await client.serverInfo();
    return saveSelectedServer(this.deps.db, {
      name: info.name,
      machineIdentifier: info.machineIdentifier,
      url: env.url,
      sealedAccessToken: this.deps.cipher.encrypt(env.token),
      accountId: null,
      source: 'env',
      version: info.version ?? null,
    });
  }

  /** The connected server's machine identifier (webhooks carry it as Server.uuid); asks the environment's server once. */
  async machineIdentifier(): Promise<string | null> {
    const info = await this.info();
    if (info.state !== 'connected') return null;
    if (info.machineIdentifier) return info.machineIdentifier;
    await this.rememberEnvServer();
    const again = await this.info();
    return again.state === 'connected' ? again.machineIdentifier : null;
  }

  /** The signed-in server owner: plex.tv id and username (webhooks name the owner Account.id 1 or by this title). */
  async owner(): Promise<{ plexUserId: number; username: string; title: string | null } | null> {
    const owner = await getPlexOwner(this.deps.db);
    return owner ? { plexUserId: owner.plex_user_id, username: owner.username, title: owner.title } : null;
  }

  /** Section keys unticked in Settings for the connected server. */
  async untickedSections(): Promise<Set<string>> {
    const info = await this.info();
    if (info.state !== 'connected' || info.serverId === null) return new Set();
    return new Set((await listSectionSelection(this.deps.db, info.serverId)).filter((r) => !r.selected).map((r) => r.section_key));
  }

  /** The movie and show sections to sync: all of them, minus those unticked in Settings. */
  async selectedSections(client?: PlexServerClient): Promise<PlexSection[]> {
    const c = client ?? (await this.server());
    if (!c) return [];
    const sections = (await c.sections()).filter((s) => SYNCABLE.has(s.type));
    const unticked = await this.untickedSections();
    return sections.filter((s) => !unticked.has(s.key));
  }

  /** Whether a section (by key, from a webhook's librarySectionID) is synced; no network. */
  async sectionSelected(sectionKey: string): Promise<boolean> {
    const info = await this.info();
    if (info.state !== 'connected' || info.serverId === null) return true;
    const row = (await listSectionSelection(this.deps.db, info.serverId)).find((r) => r.section_key === sectionKey);
    return row ? row.selected === 1 : true;
  }
}
