/**
 * Settings → Notifications and POST /api/v1/notifications/test over app.request(), with the
 * receiver on loopback: URLs stored sealed and shown masked, a wrong URL answered with a
 * sentence, per-URL events, remove, and the test's answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startNotifyReceiver, type NotifyReceiver } from '../fakes/notify/receiver.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { mirrorEnvTargets } from '../../src/notify/targets.js';

const SECRET = 'tok3nSecretValue42';
let t: TestContext | undefined;
let receiver: NotifyReceiver | undefined;

afterEach(async () => {
  await t?.close();
  await receiver?.stop();
  t = receiver = undefined;
});

async function signedIn(env: Record<string, string> = {}) {
  receiver = await startNotifyReceiver({ gotifyTokens: [SECRET] });
  t = await makeTestContext({ PUBLIC_URL: 'https://sync.example.com', ...env });
  const client = new FormClient(t.app);
  await setUpAdmin(client, t.deps.setupCode);
  return client;
}

describe('Settings → Notifications', () => {
  it('adds a URL sealed at rest and masked on the page, with the events ticked', async () => {
    const client = await signedIn();
    const u = receiver!.urls(SECRET);
    const res = await client.post('/settings/notifications', { url: u.gotify, 'event:sync.failed': '1', 'event:scrobble.failed': '1' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`gotify://${receiver!.url.slice(7)}/gotify/to***?events=sync.failed,scrobble.failed`);
    expect(html).not.toContain(SECRET);
    const row = t!.deps.sqlite.prepare('SELECT * FROM notify_targets').get() as Record<string, string>;
    expect(row.sealed_url.startsWith('v1:')).toBe(true);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(row.events).toBe('sync.failed,scrobble.failed');
    // Only the chosen events are queued for it.
    t!.deps.notify!.raise('plex.unreachable', { downForMs: 700_000 });
    t!.deps.notify!.raise('sync.failed', { runId: 3, error: 'x.' });
    expect(t!.deps.notify!.outbox.waiting()).toBe(1);
    const page = await (await client.get('/settings')).text();
    expect(page).toContain('data-section="notifications"');
    expect(page).not.toContain(SECRET);
  });

  it('a URL that does not parse is a sentence naming the wrong part, and nothing is stored', async () => {
    const client = await signedIn();
    const res = await client.post('/settings/notifications', { url: `discord://not-digits/${SECRET}` });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/This URL cannot be used: the Discord webhook id .* should be digits/);
    expect(html).not.toContain(SECRET);
    const empty = await client.post('/settings/notifications', { url: `ntfy://host/topic?events=sync.nope` });
    expect(await empty.text()).toContain('names &quot;sync.nope&quot;, which is not an event');
    expect((t!.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM notify_targets').get() as { n: number }).n).toBe(0);
  });

  it('changes a URL’s events, removes it, and keeps NOTIFY_URLS read-only', async () => {
    const client = await signedIn();
    const u = receiver!.urls(SECRET);
    await mirrorEnvTargets(t!.deps.db, t!.deps.cipher, [u.ntfy]);
    await client.post('/settings/notifications', { url: u.apprise, ...defaults() });
    const [envRow, own] = t!.deps.sqlite.prepare('SELECT id, source, events FROM notify_targets ORDER BY id').all() as Array<{ id: number; source: string; events: string | null }>;
    expect(own).toMatchObject({ source: 'settings', events: null });
    const saved = await client.post(`/settings/notifications/${own!.id}/events`, { 'event:sync.succeeded': '1' });
    expect(await saved.text()).toContain('gets sync.succeeded');
    expect((t!.deps.sqlite.prepare('SELECT events FROM notify_targets WHERE id = ?').get(own!.id) as { events: string }).events).toBe('sync.succeeded');
    expect((await client.post(`/settings/notifications/${envRow!.id}/events`, {})).status).toBe(422);
    expect((await client.post(`/settings/notifications/${envRow!.id}/remove`, {})).status).toBe(422);
    const removed = await client.post(`/settings/notifications/${own!.id}/remove`, {});
    expect(removed.status).toBe(200);
    const html = await removed.text();
    expect(html).toContain('Set by NOTIFY_URLS in the environment');
    expect((t!.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM notify_targets').get() as { n: number }).n).toBe(1);
  });

  it('Test shows each URL’s answer and lists the deliveries with their errors', async () => {
    const client = await signedIn();
    const host = receiver!.url.slice(7);
    await client.post('/settings/notifications', { url: `gotify://${host}/gotify/${SECRET}`, ...defaults() });
    await client.post('/settings/notifications', { url: `gotify://${host}/gotify/wrongTokenValue99`, ...defaults() });
    const html = await (await client.post('/settings/notifications/test', {})).text();
    expect(html).toContain('1 of 2 URL(s) did not take the test notification');
    expect(html).toMatch(/✓ delivered.*\(HTTP 200\)/);
    expect(html).toMatch(/✗ not delivered.*\(HTTP 401\): answered 401/);
    expect(html).toMatch(/id="notify-deliveries"/);
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain('wrongTokenValue99');
  });
});

describe('POST /api/v1/notifications/test', () => {
  it('sends notify.test to every URL and answers {results:[{url (masked), ok, status|error}]}', async () => {
    await signedIn();
    const u = receiver!.urls(SECRET);
    await mirrorEnvTargets(t!.deps.db, t!.deps.cipher, [u.json, u.apprise, `json://127.0.0.1:1/closed`]);
    const noKey = await t!.app.request('/api/v1/notifications/test', { method: 'POST' });
    expect(noKey.status).toBe(401);
    const res = await t!.app.request('/api/v1/notifications/test', { method: 'POST', headers: { 'x-api-key': t!.deps.secrets.apiKey() } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ url: string; ok: boolean; status?: number; error?: string }> };
    expect(body.results).toEqual([
      { url: `json://${receiver!.url.slice(7)}/json/hook`, ok: true, status: 200 },
      { url: `apprise://${receiver!.url.slice(7)}/apprise/to***`, ok: true, status: 200 },
      { url: 'json://127.0.0.1:1/closed', ok: false, error: expect.stringMatching(/could not be reached/) },
    ]);
    expect(receiver!.delivered('json')[0]!.json).toMatchObject({ event: 'notify.test', title: 'Test notification from Plex-Trakt Sync' });
    const status = (await (await t!.app.request('/api/v1/status', { headers: { 'x-api-key': t!.deps.secrets.apiKey() } })).json()) as { notifications: unknown };
    expect(status.notifications).toEqual({
      urls: [`json://${receiver!.url.slice(7)}/json/hook`, `apprise://${receiver!.url.slice(7)}/apprise/to***`, 'json://127.0.0.1:1/closed'],
      waiting: 0,
      lastError: { at: expect.any(String), url: 'json://127.0.0.1:1/closed', event: 'notify.test', error: expect.stringMatching(/could not be reached/) },
    });
  });
});

function defaults(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of ['sync.failed', 'sync.partial', 'sync.awaiting_approval', 'scrobble.failed', 'trakt.auth_lost', 'trakt.locked', 'plex.unreachable', 'plex.recovered']) out[`event:${e}`] = '1';
  return out;
}
