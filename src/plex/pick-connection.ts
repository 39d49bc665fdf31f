/**
 * Choosing how to reach a server from plex.tv's list of its connections: test each with
 * `/identity` at once (5 s each), keep those that answer as this very server, and prefer
 * local, then remote, then relay ("relay only as a last resort", API.md B.3).
 */
import { PlexError } from './errors.js';
import { NO_RETRY, type FetchLike } from './http.js';
import { PlexServerClient } from './server-client.js';
import type { PlexConnection, PlexResource } from './types.js';

export const CONNECT_TIMEOUT_MS = 5_000;

export interface ConnectionTest {
  uri: string;
  local: boolean;
  relay: boolean;
  ok: boolean;
  ms: number;
  version?: string;
  /** Why it failed, as a sentence. */
  error?: string;
}

export interface TestOptions {
  clientIdentifier: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  now?: () => number;
}

/** Tests every connection concurrently; each answer must carry the resource's machine identifier. */
export async function testConnections(resource: PlexResource, opts: TestOptions): Promise<ConnectionTest[]> {
  const now = opts.now ?? Date.now;
  return Promise.all(
    resource.connections.map(async (c: PlexConnection): Promise<ConnectionTest> => {
      const started = now();
      const base = { uri: c.uri, local: c.local, relay: c.relay };
      try {
        const client = new PlexServerClient({ baseUrl: c.uri, token: resource.accessToken ?? '', clientIdentifier: opts.clientIdentifier, fetch: opts.fetch, retry: NO_RETRY });
        const id = await client.identity({ timeoutMs: opts.timeoutMs ?? CONNECT_TIMEOUT_MS, retry: NO_RETRY });
        if (id.machineIdentifier !== resource.clientIdentifier) {
          return { ...base, ok: false, ms: now() - started, error: `Another Plex server answers at ${c.uri}.` };
        }
        return { ...base, ok: true, ms: now() - started, version: id.version };
      } catch (err) {
        return { ...base, ok: false, ms: now() - started, error: err instanceof PlexError ? err.message : String(err) };
      }
    }),
  );
}

const rank = (t: ConnectionTest): number => (t.relay ? 2 : t.local ? 0 : 1);

/** The best working connection (local, remote, relay; faster first within a kind), or undefined. */
export function bestConnection(tests: ConnectionTest[]): ConnectionTest | undefined {
  return tests.filter((t) => t.ok).sort((a, b) => rank(a) - rank(b) || a.ms - b.ms)[0];
}
