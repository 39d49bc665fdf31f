/**
 * The real service in this process (production ports and the shared Trakt client, on a
 * free port) with a Trakt account connected against the emulator, and a signed-in browser
 * client: for fault and soak tests. Client retries and worker backoff are shortened so an
 * outage of a few seconds is many attempts.
 */
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import type { PlexOverrides } from '../../src/plex-connection/overrides.js';
import type { WorkerOptions } from '../../src/scrobble/worker.js';
import type { TraktRegistryOptions } from '../../src/trakt/registry.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type TraktFake } from '../fakes/trakt/index.js';
import { FormClient } from '../helpers/browser-client.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

export const SECRET = 'reliability-webhook-secret';
export const API_KEY = 'reliability-api-key-0123456789';
export const PASSWORD = 'reliability admin password';

export interface Harness {
  service: ServiceHandle;
  logs: LogCapture;
  client: FormClient;
  dataDir: string;
  hook: string;
  /** POSTs one webhook; resolves with its status and stored event id (when 200). */
  send(payload: unknown): Promise<{ status: number; id?: number }>;
  api<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

export async function startHarness(
  fake: TraktFake,
  opts: { worker?: WorkerOptions; trakt?: TraktRegistryOptions; plex?: PlexOverrides; env?: Record<string, string>; dataDir?: string; logLevel?: string } = {},
): Promise<Harness> {
  const dataDir = opts.dataDir ?? tempDir('pts-rel-');
  const logs = new LogCapture();
  const service = await startService(
    loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: opts.logLevel ?? 'info',
      WEBHOOK_SECRET: SECRET,
      API_KEY,
      ADMIN_PASSWORD: PASSWORD,
      TRAKT_API_URL: fake.url,
      TRAKT_OAUTH_URL: fake.url,
      TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID,
      TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      ...opts.env,
    }),
    {
      logSink: logs,
      scrobble: { worker: { backoffMs: 100, maxBackoffMs: 400, maxAttempts: 200, ...opts.worker } },
      tune: { trakt: { timeoutMs: 600, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 60, maxRetryAfterMs: 10_000 }, ...opts.trakt }, plex: opts.plex },
    },
  );
  await connectTraktAccount(service.deps, fake, 'alice');
  const client = new FormClient({ request: (u, init) => fetch(u, init) }, service.url);
  await client.get('/login');
  const login = await client.post('/login', { password: PASSWORD });
  if (login.status !== 302) throw new Error(`login answered ${login.status}`);
  const hook = webhookUrl(service.url, SECRET);
  return {
    service,
    logs,
    client,
    dataDir,
    hook,
    async send(payload) {
      const res = await postMultipart(hook, payload);
      const body = res.status === 200 ? ((await res.json()) as { id: number }) : undefined;
      if (!body) await res.arrayBuffer();
      return { status: res.status, id: body?.id };
    },
    async api<T>(path: string) {
      const res = await fetch(`${service.url}${path}`, { headers: { 'x-api-key': API_KEY } });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      return (await res.json()) as T;
    },
    close: () => service.close(),
  };
}

export interface EventJson {
  id: number;
  status: string;
  reason: string | null;
  attempts?: number;
}

/** Polls until `check` is true (bounded); returns its last value. */
export async function until<T>(what: string, read: () => Promise<T> | T, check: (v: T) => boolean, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Time a GET takes (ms) and its status, with the session. */
export async function timedGet(client: FormClient, path: string): Promise<{ status: number; ms: number; body: string }> {
  const t0 = Date.now();
  const res = await client.get(path);
  const body = await res.text();
  return { status: res.status, ms: Date.now() - t0, body };
}
