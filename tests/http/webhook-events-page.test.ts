/** The events page, its fragments and actions, the API list and the dashboard card, over app.request. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishWebhookEvent, insertWebhookEvent } from '../../src/db/repos/webhook-events.js';
import { getWebhookAccount, noteWebhookAccount } from '../../src/db/repos/webhook-accounts.js';
import { parsePayload, summarize } from '../../src/scrobble/payload.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';

let t: TestContext;
let client: FormClient;
const ids: number[] = [];

function store(payload: Record<string, unknown>, receivedAt = Date.now()) {
  const text = JSON.stringify(payload);
  const id = insertWebhookEvent(t.deps.sqlite, { ...summarize(parsePayload(text)), receivedAt, payload: text });
  ids.push(id);
  return id;
}

beforeAll(async () => {
  t = await makeTestContext({ API_KEY: 'events-api-key-0123456789' });
  client = new FormClient(t.app);
  await setUpAdmin(client, t.deps.setupCode);
  t.deps.secretRegistry.add('super-secret-plex-token-xyz');
  const a = store({ ...modernMovie({ event: 'media.play' }), Player: { title: 'Shield TV', note: 'token super-secret-plex-token-xyz' } });
  await finishWebhookEvent(t.deps.db, a, { status: 'sent', reason: 'watching', traktAnswer: { status: 201, body: { action: 'start' } } });
  const b = store(modernMovie({ event: 'media.scrobble' }));
  await finishWebhookEvent(t.deps.db, b, { status: 'failed', reason: 'Gave up after 6 attempts. Trakt answered 503; the event will be tried again.' });
  store(modernMovie({ event: 'library.new' }));
});
afterAll(async () => t?.close());

describe('events page', () => {
  it('lists events newest first with decision, reason, Trakt answer, Retry on failed ones, and the live stream', async () => {
    const html = await (await client.get('/events')).text();
    const order = [...html.matchAll(/id="event-(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).toEqual([...ids].reverse());
    expect(html).toContain('Gave up after 6 attempts');
    // Trakt's answer in words in the row; the raw answer one click away (Details).
    expect(html).toContain('started watching');
    expect(html).not.toContain('&quot;action&quot;:&quot;start&quot;');
    expect(html).toContain(`hx-get="/events/${ids[0]}/detail"`);
    expect(html).toContain(`hx-post="/events/${ids[1]}/retry"`);
    expect(html).not.toContain(`hx-post="/events/${ids[0]}/retry"`);
    expect(html).toContain('hx-sse:connect="/live?topics=events"');
    expect(html).toContain('Retry all failed (1)');
    expect(html).toMatch(/<tbody id="event-rows" data-prepend/);
  });

  it('filters by status (and then takes no new rows live)', async () => {
    const html = await (await client.get('/events?status=failed')).text();
    expect([...html.matchAll(/id="event-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([ids[1]]);
    expect(html).not.toMatch(/<tbody id="event-rows" data-prepend/);
  });

  it('shows the raw payload on demand with secrets scrubbed', async () => {
    const res = await client.get(`/events/${ids[0]}/payload`, { 'hx-request': 'true' });
    const text = await res.text();
    expect(text).toContain('Shield TV');
    expect(text).not.toContain('super-secret-plex-token-xyz');
    expect(text).toContain('[redacted]');
    expect((await client.get('/events/999999/payload')).status).toBe(404);
    // Details: the timeline, Trakt's answer in words and raw, and the payload, scrubbed the same way.
    const detail = await (await client.get(`/events/${ids[0]}/detail`, { 'hx-request': 'true' })).text();
    expect(detail).toContain(`id="event-detail-${ids[0]}"`);
    expect(detail).toMatch(/data-step="received"[^]*data-step="decided"/);
    expect(detail).toContain('started watching');
    expect(detail).toContain('&quot;action&quot;: &quot;start&quot;');
    expect(detail).toContain('Shield TV');
    expect(detail).not.toContain('super-secret-plex-token-xyz');
    expect((await client.get('/events/999999/detail')).status).toBe(404);
  });

  it('Retry puts a failed event back in the queue; Retry all failed does the rest', async () => {
    const res = await t.app.request(`http://localhost/events/${ids[1]}/retry`, {
      method: 'POST',
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': client.csrf, 'hx-request': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('pending');
    const row = t.deps.sqlite.prepare('select status, attempts from webhook_events where id = ?').get(ids[1]);
    expect(row).toEqual({ status: 'pending', attempts: 0 });
    await finishWebhookEvent(t.deps.db, ids[1]!, { status: 'failed', reason: 'again' });
    const all = await client.post('/events/retry-failed', {});
    expect(all.status).toBe(303);
    expect(t.deps.sqlite.prepare("select count(*) as n from webhook_events where status = 'failed'").get()).toEqual({ n: 0 });
    // Without the CSRF token: refused.
    expect((await client.post('/events/retry-failed', {}, { csrf: null })).status).toBe(403);
  });

  it('the dashboard card shows the last webhook, its server, today, queue and failures; the test event is dry', async () => {
    const html = await (await client.get('/')).text();
    expect(html).toContain('library.new');
    expect(html).toContain('from Living Room NAS');
    expect(html).toMatch(/id="webhooks-today">3</);
    const dry = await t.app.request('http://localhost/events/test', {
      method: 'POST',
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': client.csrf, 'hx-request': 'true' },
    });
    expect(dry.status).toBe(200);
    expect(await dry.text()).toMatch(/Nothing was sent now|not running|not connected/);
  });
});

describe('GET /api/v1/events', () => {
  const key = { 'x-api-key': 'events-api-key-0123456789' };
  it('needs the API key, lists with status, pages by id, refuses a bad status', async () => {
    expect((await t.app.request('http://localhost/api/v1/events')).status).toBe(401);
    const page1 = (await (await t.app.request('http://localhost/api/v1/events?limit=2', { headers: key })).json()) as any;
    expect(page1.events.map((e: any) => e.id)).toEqual([ids[2], ids[1]]);
    expect(page1.events[0]).toMatchObject({ event: 'library.new', status: expect.any(String), item: { title: 'The Matrix (1999)' } });
    const page2 = (await (await t.app.request(`http://localhost${page1.next}`, { headers: key })).json()) as any;
    expect(page2.events.map((e: any) => e.id)).toEqual([ids[0]]);
    expect(page2.next).toBeNull();
    const sent = (await (await t.app.request('http://localhost/api/v1/events?status=sent', { headers: key })).json()) as any;
    expect(sent.events.map((e: any) => e.id)).toEqual([ids[0]]);
    expect(sent.events[0].traktAnswer).toEqual({ status: 201, body: { action: 'start' } });
    expect((await t.app.request('http://localhost/api/v1/events?status=nope', { headers: key })).status).toBe(400);
  });
});

describe('settings: webhook accounts and the last webhook', () => {
  const hx = () => ({ cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': client.csrf, 'hx-request': 'true', 'content-type': 'application/x-www-form-urlencoded' });
  it('lists Plex accounts seen, maps one to Ignore, refuses an unknown Trakt account, shows the last webhook', async () => {
    await noteWebhookAccount(t.deps.db, 5555, 'guest-kid');
    const list = await (await client.get('/settings/webhook-accounts', { 'hx-request': 'true' })).text();
    expect(list).toContain('guest-kid');
    expect(list).toContain('Default: ignored');
    // Everyone seen in a webhook is a person in Settings → People (where the ignore reasons send people).
    const page = await (await client.get('/settings')).text();
    expect(page).toMatch(/<section id="settings-people"[^]*guest-kid[^]*<\/section>/);
    const saved = await t.app.request('http://localhost/settings/webhook-accounts/5555', { method: 'POST', headers: hx(), body: 'target=ignore' });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Saved.');
    expect((await getWebhookAccount(t.deps.db, 5555))!.mode).toBe('ignored');
    const bad = await t.app.request('http://localhost/settings/webhook-accounts/5555', { method: 'POST', headers: hx(), body: 'target=trakt:99' });
    expect(bad.status).toBe(400);
    const unknown = await t.app.request('http://localhost/settings/webhook-accounts/4242', { method: 'POST', headers: hx(), body: 'target=ignore' });
    expect(unknown.status).toBe(404);
    const last = await (await client.get('/settings/webhook-last', { 'hx-request': 'true' })).text();
    expect(last).toContain('library.new');
    expect(last).toContain('Living Room NAS');
  });
});
