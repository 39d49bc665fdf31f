/**
 * Secrets never leak: the real service (in this process, on a free port) is driven through
 * first-run setup, sign-in, connecting Trakt by device code against the emulator (with a
 * token refresh), saving a TMDB key, webhooks, every GET route the app registers, the API
 * and error answers. Then every captured log line, every response body and the raw bytes
 * of the database (and its WAL) are searched for every secret value.
 *
 * Allowed, on purpose: the API key on the settings page (the user copies it from there);
 * the webhook secret only as part of the webhook URL (settings and dashboard). In the
 * database file every credential and generated secret (API key, webhook secret, session
 * key) is sealed with the data directory's key, so none of them can be read from it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { FakeServer } from '../fakes/kit/server.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { modernEpisode, modernMovie, SERVER_UUID } from '../fixtures/webhooks/payloads.js';
import { saveSelectedServer } from '../../src/db/repos/plex.js';
import { postMultipart, rawPost, webhookUrl } from '../fixtures/webhooks/send.js';
import { seedCatalogue, settled } from '../fixtures/webhooks/service.js';

const PASSWORD = 'leak-test admin password 7731';
const TMDB_KEY = '5e1d0c9b8a7f6e5d4c3b2a1908f7e6d5';
const PLEX_TOKEN = 'plexTokenZq9Xw8Vu7Ts6Rr5Qp4';

let trakt: TraktFake;
let tmdb: FakeServer;
let service: ServiceHandle;
let logs: LogCapture;
let dataDir: string;
let client: FormClient;
/** Every response body seen, with the request that produced it. */
const bodies: Array<{ where: string; body: string }> = [];

async function record(where: string, res: Response): Promise<string> {
  const body = await res.text();
  bodies.push({ where, body });
  return body;
}

/** Reads an SSE (or any) body for a short while, then lets go. */
async function readFor(url: string, headers: Record<string, string>, ms: number): Promise<{ status: number; finalPath: string; body: string }> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  const type = res.headers.get('content-type') ?? '';
  const finalPath = new URL(res.url).pathname;
  if (!type.includes('event-stream')) return { status: res.status, finalPath, body: await res.text() };
  let body = '';
  const reader = res.body!.getReader();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += Buffer.from(value).toString('utf8');
    }
  } catch {
    // aborted: what was read is enough
  } finally {
    clearTimeout(timer);
  }
  return { status: res.status, finalPath, body };
}

const cookieHeader = () => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

beforeAll(async () => {
  trakt = await startTraktFake({ rateLimits: false, deviceCodeIntervalSec: 1 });
  seedCatalogue(trakt);
  tmdb = new FakeServer({
    name: 'tmdb',
    handle: (req) =>
      req.query.get('api_key') === TMDB_KEY
        ? { status: 200, body: { images: { secure_base_url: `${tmdb.url}/img/` } } }
        : { status: 401, body: { status_code: 7, status_message: 'Invalid API key' } },
  });
  await tmdb.start();
  dataDir = tempDir();
  logs = new LogCapture();
  service = await startService(
    loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      TRAKT_API_URL: trakt.url,
      TRAKT_OAUTH_URL: trakt.url,
      TMDB_API_URL: `${tmdb.url}/3`,
      PLEX_URL: 'http://127.0.0.1:9',
      PLEX_TOKEN,
    }),
    { logSink: logs, scrobble: { worker: { backoffMs: 20, maxBackoffMs: 100 } } },
  );
  // The PLEX_URL server answered once before (its identity is remembered, with its sealed token)
  // and is down now: webhooks from it are still recognised as its, and go to Trakt.
  await saveSelectedServer(service.deps.db, {
    name: 'Home server',
    machineIdentifier: SERVER_UUID,
    url: 'http://127.0.0.1:9',
    sealedAccessToken: service.deps.cipher.encrypt(PLEX_TOKEN),
    accountId: null,
    source: 'env',
    version: null,
  });
  client = new FormClient({ request: (u, init) => fetch(u, init) }, service.url);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await trakt?.stop();
  await tmdb?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets stay secret', () => {
  it('drives the service through its flows, then finds no secret where it must not be', async () => {
    const setupCode = service.deps.setupCode!;
    expect(setupCode).toBeTruthy();
    // A wrong password first (its value must not be echoed or logged either).
    await record('GET /setup', await client.get('/setup'));
    await record('POST /setup (mismatch)', await client.post('/setup', { setupCode, password: PASSWORD, confirm: `${PASSWORD}x` }));
    expect((await setUpAdmin(client, setupCode, PASSWORD)).status).toBeLessThan(400);
    // Sign out and in again, once with a wrong password.
    await client.get('/');
    await client.post('/logout', {});
    await record('GET /login', await client.get('/login'));
    await record('POST /login (wrong)', await client.post('/login', { password: `wrong-${PASSWORD}` }));
    const login = await client.post('/login', { password: PASSWORD });
    expect(login.status).toBe(302);
    await record('GET /settings', await client.get('/settings'));

    // Connect Trakt by device code against the emulator.
    const connect = await client.post('/settings/trakt/connect', { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, { headers: { 'hx-request': 'true' } });
    const connectHtml = await record('POST /settings/trakt/connect', connect);
    const flow = /\/settings\/trakt\/device\/([A-Za-z0-9_-]+)/.exec(connectHtml)?.[1];
    expect(flow, connectHtml.slice(0, 400)).toBeTruthy();
    expect(trakt.approveDevice()).toBe(true);
    let connected = false;
    for (let i = 0; i < 20 && !connected; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const html = await record('POST /settings/trakt/device', await client.post(`/settings/trakt/device/${flow}`, {}, { headers: { 'hx-request': 'true' } }));
      connected = html.includes('Trakt is connected as');
    }
    expect(connected).toBe(true);

    // TMDB key: a wrong one, then the right one.
    await record('POST /settings/tmdb (wrong)', await client.post('/settings/tmdb', { apiKey: 'ffffffffffffffffffffffffffffffff' }));
    expect((await client.post('/settings/tmdb', { apiKey: TMDB_KEY })).status).toBe(200);
    await record('POST /settings/tmdb/test', await client.post('/settings/tmdb/test', {}));

    // Webhooks, with one token refresh in the middle.
    const secret = service.deps.secrets.webhookSecret();
    const hook = webhookUrl(service.url, secret);
    const first = await postMultipart(hook, modernMovie({ event: 'media.scrobble', ratingKey: '1' }));
    expect(first.status).toBe(200);
    const firstId = ((await first.clone().json()) as { id: number }).id;
    await record('POST webhook', first);
    expect((await settled(service, firstId, 15_000)).status).toBe('sent');
    const tokens = new Set(trakt.world.auth.tokensOf('alice').flatMap((t) => [t.accessToken, t.refreshToken]));
    trakt.expireAccessTokens('alice');
    const second = await postMultipart(hook, modernEpisode({ event: 'media.scrobble', ratingKey: '7' }));
    const secondId = ((await second.clone().json()) as { id: number }).id;
    await record('POST webhook 2', second);
    await settled(service, secondId, 15_000);
    expect(trakt.countOf('POST /oauth/token')).toBeGreaterThanOrEqual(2); // the device login + the refresh
    // Error answers of the webhook route.
    await record('POST webhook wrong secret', await postMultipart(webhookUrl(service.url, 'not-the-secret-0000'), modernMovie()));
    await record('POST webhook bad json', await postMultipart(hook, '{"event":'));
    const raw = await rawPost(hook, { 'content-type': 'text/plain' }, 'hello');
    bodies.push({ where: 'POST webhook text/plain', body: raw.body });

    // The API (with and without the key) and the error pages.
    const apiKey = service.deps.secrets.apiKey();
    for (const p of ['/api/v1/status', '/api/v1/events', '/api/v1/runs/999999', '/api/v1/nope']) {
      await record(`GET ${p} (key)`, await fetch(`${service.url}${p}`, { headers: { 'x-api-key': apiKey } }));
      await record(`GET ${p} (no key)`, await fetch(`${service.url}${p}`));
      await record(`GET ${p} (wrong key)`, await fetch(`${service.url}${p}`, { headers: { 'x-api-key': `${apiKey}x` } }));
    }
    await record('GET /no-such-page', await client.get('/no-such-page'));
    await record('GET /events/999999/payload', await client.get('/events/999999/payload'));
    await record('GET / (signed out)', await fetch(`${service.url}/`, { redirect: 'manual' }));
    await record('POST /settings/tmdb (no csrf)', await client.post('/settings/tmdb', { apiKey: TMDB_KEY }, { csrf: null }));

    // Every GET route the app registers, signed in, as a page and as an htmx fragment.
    const app = createApp(service.deps);
    const gets = [...new Set(app.routes.filter((r) => r.method === 'GET' && !r.path.endsWith('*')).map((r) => r.path))];
    expect(gets.length).toBeGreaterThan(8);
    for (const route of gets) {
      const p = route.replace(/:secret\b/, secret).replace(/:[A-Za-z_]+(\{[^}]*\})?/g, String(firstId));
      for (const headers of [{}, { 'hx-request': 'true' }] as Array<Record<string, string>>) {
        const r = await readFor(`${service.url}${p}`, { cookie: cookieHeader(), ...headers }, 400);
        // Signed in, /login and /setup redirect to the dashboard: name the page that answered.
        bodies.push({ where: `GET ${r.finalPath} ${JSON.stringify(headers)}`, body: r.body });
        expect(r.status, `GET ${p}`).toBeLessThan(500);
      }
    }
    await record('GET /metrics', await fetch(`${service.url}/metrics`));
    await record('GET /healthz', await fetch(`${service.url}/healthz`));

    // ---- the search ----
    const account = service.deps.sqlite.prepare('select * from trakt_accounts').all() as Array<Record<string, unknown>>;
    expect(account).toHaveLength(1);
    for (const t of trakt.world.auth.tokensOf('alice')) tokens.add(t.accessToken).add(t.refreshToken);
    expect(tokens.size).toBeGreaterThanOrEqual(4); // two pairs: the login's and the refresh's
    const sessionKey = service.deps.sqlite.prepare("select value from settings where key = 'secret.session_key'").all() as Array<{ value: string }>;
    expect(sessionKey).toHaveLength(1);
    const never: Array<[string, string]> = [
      ['admin password', PASSWORD],
      ['Trakt client secret', DEFAULT_CLIENT_SECRET],
      ['TMDB key', TMDB_KEY],
      ['Plex token', PLEX_TOKEN],
      ...[...tokens].map((t, i) => [`Trakt token #${i}`, t] as [string, string]),
      ...sessionKey.map((s) => ['session key', service.deps.cipher.decrypt(JSON.parse(s.value) as string)] as [string, string]),
    ];
    const logText = logs.text();
    expect(logs.lines.length).toBeGreaterThan(10);
    expect(logText).toContain("webhook media.scrobble: sent");
    const leaks: string[] = [];
    for (const [name, value] of never) {
      expect(value.length).toBeGreaterThanOrEqual(16);
      if (logText.includes(value)) leaks.push(`${name} in the log`);
      for (const b of bodies) if (b.body.includes(value)) leaks.push(`${name} in ${b.where}`);
    }
    // The API key: only on the settings page (and its API-key fragment).
    for (const b of bodies) if (b.body.includes(apiKey) && !/^(GET \/settings|POST \/settings)/.test(b.where)) leaks.push(`API key in ${b.where}`);
    if (logText.includes(apiKey)) leaks.push('API key in the log');
    // The webhook secret: only inside the webhook URL.
    for (const b of bodies) {
      const outsideUrl = b.body.split(`/webhooks/plex/${secret}`).join('');
      if (outsideUrl.includes(secret)) leaks.push(`webhook secret outside the webhook URL in ${b.where}`);
      if (b.body.includes(secret) && !/^GET \/(settings|)(\s|$)|^GET \/ |^POST \/settings/.test(b.where)) leaks.push(`webhook URL in ${b.where}`);
    }
    if (logText.includes(secret)) leaks.push('webhook secret in the log');
    expect(leaks).toEqual([]);
    // Sanity: the allowed places do show them (so the search above could find them).
    expect(bodies.find((b) => b.where === 'GET /settings')!.body).toContain(apiKey);
    expect(bodies.find((b) => b.where === 'GET /settings')!.body).toContain(`/webhooks/plex/${secret}`);

    // The database file and its WAL, raw bytes: no credential, no password.
    service.deps.sqlite.pragma('wal_checkpoint(PASSIVE)');
    const files = fs.readdirSync(dataDir).filter((f) => /\.db(-wal|-shm)?$/.test(f));
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    const inDb: string[] = [];
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(dataDir, f));
      expect(bytes.length).toBeGreaterThan(0);
      for (const [name, value] of [...never, ['API key', apiKey], ['webhook secret', secret]] as Array<[string, string]>) {
        if (bytes.includes(Buffer.from(value))) inDb.push(`${name} in ${f}`);
      }
    }
    // ...while plain text is there to be found (so the byte search reads what it should).
    const all = Buffer.concat(files.map((f) => fs.readFileSync(path.join(dataDir, f))));
    expect(all.includes(Buffer.from('secret.api_key'))).toBe(true);
    expect(inDb).toEqual([]);
  }, 90_000);

  it('sets the session cookie HttpOnly, SameSite=Lax, and Secure behind x-forwarded-proto: https', async () => {
    const app = createApp(service.deps);
    for (const proto of ['http', 'https']) {
      const res = await app.request('http://localhost/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': proto, cookie: 'pts_csrf=' + 'c'.repeat(32) },
        body: new URLSearchParams({ password: PASSWORD, _csrf: 'c'.repeat(32) }).toString(),
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
      const cookies = res.headers.getSetCookie();
      const session = cookies.find((c) => /^pts_session=/.test(c) || /session/i.test(c.split('=')[0]!));
      expect(session, cookies.join(' | ')).toBeTruthy();
      expect(session).toMatch(/;\s*HttpOnly/i);
      expect(session).toMatch(/;\s*SameSite=Lax/i);
      if (proto === 'https') expect(session).toMatch(/;\s*Secure/i);
      else expect(session).not.toMatch(/;\s*Secure/i);
    }
  });
});
