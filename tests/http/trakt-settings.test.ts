/** The settings forms over app.request(): validation next to fields, environment wins, regenerate rules, TMDB test, Trakt unreachable. */
import { afterEach, describe, expect, it } from 'vitest';
import { getSetting } from '../../src/db/repos/settings.js';
import { TRAKT_SETTING } from '../../src/trakt/credentials.js';
import { TMDB_SETTING } from '../../src/web/settings/tmdb-key.js';
import { FakeServer } from '../fakes/kit/server.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let t: TestContext | undefined;
const servers: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const s of servers.splice(0)) await s.stop();
});

async function signedIn(env: Record<string, string> = {}) {
  t = await makeTestContext(env);
  const client = new FormClient(t.app);
  await setUpAdmin(client, t.deps.setupCode);
  await client.get('/settings');
  return client;
}

const V3_KEY = '0123456789abcdef0123456789abcdef';

async function tmdbFake(): Promise<FakeServer> {
  const s = new FakeServer({
    name: 'tmdb',
    handle: (req) => {
      const ok = req.query.get('api_key') === V3_KEY || req.headers.authorization === 'Bearer eyJ-a-long-read-token-for-v4';
      return ok ? { status: 200, body: { images: { secure_base_url: 'https://image.tmdb.org/t/p/' } } } : { status: 401, body: { status_code: 7, status_message: 'Invalid API key' } };
    },
  });
  await s.start();
  servers.push(s);
  return s;
}

describe('settings page', () => {
  it('lists its sections in order and shows environment values read-only', async () => {
    const client = await signedIn({ TRAKT_CLIENT_ID: 'env-client-id-123', API_KEY: 'an-api-key-from-the-env', WEBHOOK_SECRET: 'webhook-secret-from-env' });
    const html = await (await client.get('/settings')).text();
    const order = [...html.matchAll(/data-section="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['trakt', 'plex', 'tmdb', 'sync', 'webhook', 'live', 'webhook-accounts', 'notifications', 'api-key']);
    expect(html).toMatch(/id="trakt-client-id"[^>]*value="env-client-id-123"[^>]*readonly/);
    expect(html).toContain('Set by TRAKT_CLIENT_ID in the environment');
    expect(html).toMatch(/id="regenerate-webhook-secret" disabled/);
    expect(html).toMatch(/id="regenerate-api-key" disabled/);
    expect(html).toContain('/webhooks/plex/webhook-secret-from-env');
    expect(html).toContain('none yet');
    expect(html).toContain('urn:ietf:wg:oauth:2.0:oob');
    const refused = await client.post('/settings/webhook/regenerate', {});
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('WEBHOOK_SECRET is set in the environment');
  });

  it('regenerates the webhook secret and the API key when the environment does not set them', async () => {
    const client = await signedIn();
    const before = t!.deps.secrets.webhookSecret();
    const res = await client.post('/settings/webhook/regenerate', {}, { headers: { 'hx-request': 'true' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<section id="settings-webhook"')).toBe(true);
    expect(t!.deps.secrets.webhookSecret()).not.toBe(before);
    expect(html).toContain(`/webhooks/plex/${t!.deps.secrets.webhookSecret()}`);
    const key = t!.deps.secrets.apiKey();
    await client.post('/settings/api-key/regenerate', {});
    expect(t!.deps.secrets.apiKey()).not.toBe(key);
  });

  it('says when Trakt cannot be reached within the timeout, and saves nothing', async () => {
    const dead = new FakeServer({ name: 'dead', handle: () => ({ status: 200 }) });
    await dead.start();
    dead.inject('/', { kind: 'timeout' }, 10);
    servers.push(dead);
    const client = await signedIn({ TRAKT_OAUTH_URL: dead.url, TRAKT_API_URL: dead.url });
    const { TraktClientRegistry } = await import('../../src/trakt/registry.js');
    t!.deps.traktClients = new TraktClientRegistry(t!.deps, { oauthTimeoutMs: 200 });
    const res = await client.post('/settings/trakt/connect', { clientId: 'some-client-id', clientSecret: 'some-client-secret' });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/did not answer within 0.2 s/);
    expect(await getSetting(t!.deps.db, TRAKT_SETTING.clientId)).toBeUndefined();
  });

  it('explains a 426 from Trakt (VIP needed) in words next to the form, and saves nothing', async () => {
    const fake = await startTraktFake({ rateLimits: false });
    servers.push(fake);
    fake.server.inject('/oauth/device/code', { kind: 'status', status: 426, headers: { 'x-upgrade-url': 'https://trakt.tv/vip' }, body: { error: 'vip_required' } }, 1);
    const client = await signedIn({ TRAKT_OAUTH_URL: fake.url, TRAKT_API_URL: fake.url });
    const res = await client.post('/settings/trakt/connect', { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/needs a Trakt VIP account/);
    expect(html).toContain('https://trakt.tv/vip');
    expect(await getSetting(t!.deps.db, TRAKT_SETTING.clientId)).toBeUndefined();
  });

  it('stores the client secret encrypted once Trakt accepts it, and never shows it back', async () => {
    const fake = await startTraktFake({ rateLimits: false });
    servers.push(fake);
    const client = await signedIn({ TRAKT_OAUTH_URL: fake.url, TRAKT_API_URL: fake.url });
    const res = await client.post('/settings/trakt/connect', { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, { headers: { 'hx-request': 'true' } });
    const html = await res.text();
    expect(html).toContain('id="trakt-user-code"');
    expect(html).not.toContain(DEFAULT_CLIENT_SECRET);
    const sealed = await getSetting<string>(t!.deps.db, TRAKT_SETTING.clientSecret);
    expect(sealed).toMatch(/^v1:/);
    expect(await getSetting(t!.deps.db, TRAKT_SETTING.clientId)).toBe(DEFAULT_CLIENT_ID);
    // A poll for a flow that is not running says what to do.
    const stale = await client.post('/settings/trakt/device/nope', {}, { headers: { 'hx-request': 'true' } });
    expect(await stale.text()).toMatch(/no longer running.*Connect Trakt to start again/);
  });

  it('tests and saves a TMDB key (v3 as api_key, v4 as Bearer) and refuses a wrong one next to the field', async () => {
    const tmdb = await tmdbFake();
    const client = await signedIn({ TMDB_API_URL: `${tmdb.url}/3` });
    const bad = await client.post('/settings/tmdb', { apiKey: 'ffffffffffffffffffffffffffffffff' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toMatch(/id="tmdb-api-key-error"[^>]*>TMDB refused this key/);
    expect(await getSetting(t!.deps.db, TMDB_SETTING)).toBeUndefined();
    const short = await client.post('/settings/tmdb', { apiKey: 'abc' });
    expect(await short.text()).toMatch(/does not look like a TMDB key/);

    const ok = await client.post('/settings/tmdb', { apiKey: V3_KEY });
    expect(ok.status).toBe(200);
    expect(await getSetting<string>(t!.deps.db, TMDB_SETTING)).toMatch(/^v1:/);
    expect(tmdb.requests.at(-1)!.path).toBe('/3/configuration');
    const test = await client.post('/settings/tmdb/test', {}); // the stored key
    expect(await test.text()).toContain('TMDB accepted the key');
    const bearer = await client.post('/settings/tmdb/test', { apiKey: 'eyJ-a-long-read-token-for-v4' });
    expect(await bearer.text()).toContain('TMDB accepted the key');
    expect(tmdb.requests.at(-1)!.headers.authorization).toBe('Bearer eyJ-a-long-read-token-for-v4');
  });
});
