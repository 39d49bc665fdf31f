/**
 * Delivery over real HTTP on loopback to the receiver that plays every target, with the
 * real SQLite outbox and an injected clock (minutes pass without waiting for them).
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createContext, type ServiceContext } from '../../src/context.js';
import { NotificationService } from '../../src/notify/service.js';
import { mirrorEnvTargets, recentDeliveries } from '../../src/notify/targets.js';
import { startNotifyReceiver, type NotifyReceiver } from '../fakes/notify/receiver.js';
import { LogCapture, tempDir } from '../helpers/context.js';

const SECRET = 'tok3nSecretValue42';
let receiver: NotifyReceiver;
let dataDir: string;
let clock: number;
const opened: ServiceContext[] = [];
const services: NotificationService[] = [];

async function open(urls: string[]): Promise<{ ctx: ServiceContext; notify: NotificationService; logs: LogCapture }> {
  const logs = new LogCapture();
  const ctx = await createContext(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'debug', PUBLIC_URL: 'https://sync.example.com' }), { logFd: 2, logSink: logs });
  opened.push(ctx);
  await mirrorEnvTargets(ctx.deps.db, ctx.deps.cipher, urls);
  const notify = new NotificationService(
    { db: ctx.deps.db, sqlite: ctx.deps.sqlite, cipher: ctx.deps.cipher, log: ctx.deps.log, secrets: ctx.deps.secretRegistry, publicUrl: 'https://sync.example.com' },
    { now: () => clock, random: () => 1, timeoutMs: 2000, discordApiUrl: receiver.discordApiUrl },
  );
  services.push(notify);
  return { ctx, notify, logs };
}

async function closeAll(): Promise<void> {
  for (const s of services.splice(0)) await s.stop();
  for (const c of opened.splice(0)) await c.close();
}

beforeEach(async () => {
  receiver = await startNotifyReceiver();
  dataDir = tempDir('pts-notify-');
  clock = Date.UTC(2026, 11, 6, 12, 0, 0);
});

afterEach(async () => {
  await closeAll();
  await receiver.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('each target gets the request its service expects', () => {
  it('for a failed run', async () => {
    const u = receiver.urls(SECRET);
    const { notify } = await open([u.json, u.ntfy, u.discord, u.gotify, u.apprise]);
    notify.raise('sync.failed', { runId: 42, error: 'Plex is not connected. Sign in with Plex in Settings, then run the sync again.' });
    await notify.delivery.runDue();

    const [json] = receiver.delivered('json');
    expect(json!.path).toBe('/json/hook');
    expect(json!.headers['content-type']).toBe('application/json');
    expect(json!.json).toMatchObject({ version: '1.0', title: 'Sync run 42 failed', type: 'failure', event: 'sync.failed', attachments: [], details: { runId: 42 } });
    expect(json!.json.message).toContain('Plex is not connected');
    expect(json!.json.message).toContain('https://sync.example.com/runs/42');

    const [ntfy] = receiver.delivered('ntfy');
    expect(ntfy!.path).toBe(`/ntfy/${SECRET}`);
    expect(ntfy!.headers).toMatchObject({ title: 'Sync run 42 failed', priority: 'high', click: 'https://sync.example.com/runs/42' });
    expect(ntfy!.headers.tags).toContain('sync.failed');
    expect(ntfy!.body).toMatch(/^Plex is not connected\..*read its log/);

    const [discord] = receiver.delivered('discord');
    expect(discord!.path).toBe(`/api/webhooks/123456789/${SECRET}`);
    expect(discord!.status).toBe(204);
    expect(discord!.json.content).toBe('Sync run 42 failed');
    expect(discord!.json.embeds[0]).toMatchObject({ title: 'Sync run 42 failed', color: 0xdc2626, url: 'https://sync.example.com/runs/42' });
    expect(discord!.json.embeds[0].description).toContain('Plex is not connected');

    const [gotify] = receiver.delivered('gotify');
    expect(gotify!.path).toBe('/gotify/message');
    expect(gotify!.query.get('token')).toBe(SECRET);
    expect(gotify!.json).toMatchObject({ title: 'Sync run 42 failed', priority: 8 });
    expect(gotify!.json.message).toContain('Plex is not connected');

    const [apprise] = receiver.delivered('apprise');
    expect(apprise!.path).toBe(`/apprise/notify/${SECRET}`);
    expect(apprise!.json).toEqual({ title: 'Sync run 42 failed', body: expect.stringContaining('Plex is not connected'), type: 'failure' });
    expect(receiver.received()).toHaveLength(5);
  });

  it('for notify.test: answered per URL, masked, recorded for Settings', async () => {
    const u = receiver.urls(SECRET);
    const { notify, ctx, logs } = await open([u.json, u.ntfy, u.discord, u.gotify, u.apprise, `gotify://${receiver.url.slice(7)}/nowhere/${SECRET}`]);
    const results = await notify.test();
    expect(results.map((r) => [r.ok, r.status])).toEqual([[true, 200], [true, 200], [true, 204], [true, 200], [true, 200], [false, 404]]);
    expect(results[5]!.error).toMatch(/^answered 404/);
    expect(JSON.stringify(results)).not.toContain(SECRET);
    expect(results[2]!.url).toBe('discord://123456789/to***');
    for (const k of ['json', 'ntfy', 'discord', 'gotify', 'apprise'] as const) {
      const [r] = receiver.delivered(k);
      expect(JSON.stringify(r!.json ?? r!.headers.title), k).toContain('Test notification from Plex-Trakt Sync');
    }
    expect(receiver.delivered('json')[0]!.json).toMatchObject({ event: 'notify.test', type: 'info' });
    const rows = await recentDeliveries(ctx.deps.db);
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => !r.ok).map((r) => r.error)).toEqual([expect.stringMatching(/answered 404/)]);
    expect(JSON.stringify(rows) + logs.text()).not.toContain(SECRET);
  });
});

describe('folding', () => {
  it('20 failed scrobbles in a minute are two messages: the first, then "and 18 more" ten minutes later', async () => {
    const { notify, ctx } = await open([receiver.urls(SECRET).ntfy]);
    for (let i = 0; i < 20; i++) {
      notify.raise('scrobble.failed', { eventId: i + 1, title: `Episode ${i + 1}`, reason: 'Trakt refused it (404).' });
      await notify.delivery.runDue();
      clock += 3_000;
    }
    expect(receiver.delivered('ntfy').map((r) => r.headers.title)).toEqual(['A scrobble failed: Episode 1']);
    clock += 9 * 60_000;
    await notify.delivery.runDue();
    const titles = receiver.delivered('ntfy').map((r) => r.headers.title);
    expect(titles).toEqual(['A scrobble failed: Episode 1', 'A scrobble failed: Episode 2 (and 18 more)']);
    // Nothing more is waiting, and another event type was never held back by these.
    clock += 3600_000;
    notify.raise('sync.failed', { runId: 1, error: 'x.' });
    await notify.delivery.runDue();
    expect(receiver.delivered('ntfy')).toHaveLength(3);
    expect(notify.outbox.waiting()).toBe(0);
    expect((await recentDeliveries(ctx.deps.db)).length).toBe(3);
  });
});

describe('a receiver that is down', () => {
  it('down for five minutes then back gets what was queued, once', async () => {
    const { notify, ctx } = await open([receiver.urls(SECRET).gotify]);
    receiver.down = true;
    notify.raise('sync.failed', { runId: 9, error: 'The sync stopped.' });
    const start = clock;
    while (clock - start < 5 * 60_000) {
      await notify.delivery.runDue();
      clock += 15_000;
    }
    const attempts = receiver.received('gotify').length;
    expect(attempts).toBeGreaterThanOrEqual(3); // retried with backoff, not once per tick
    expect(attempts).toBeLessThan(20);
    expect(receiver.delivered('gotify')).toHaveLength(0);
    receiver.down = false;
    clock = notify.outbox.nextDueAt()!;
    await notify.delivery.runDue();
    for (let i = 0; i < 10; i++) {
      clock += 10 * 60_000;
      await notify.delivery.runDue();
    }
    expect(receiver.delivered('gotify')).toHaveLength(1);
    expect(receiver.delivered('gotify')[0]!.json.title).toBe('Sync run 9 failed');
    const rows = await recentDeliveries(ctx.deps.db);
    expect(rows[0]).toMatchObject({ ok: 1, status: 200 });
    expect(rows.slice(1).every((r) => r.ok === 0 && /answered 503/.test(r.error ?? ''))).toBe(true);
  });

  it('a restart in between loses nothing, even a message that was being sent', async () => {
    const u = receiver.urls(SECRET);
    const first = await open([u.ntfy, u.apprise]);
    receiver.down = true;
    first.notify.raise('trakt.auth_lost', { accountId: 1, reason: 'invalid_grant' });
    first.notify.raise('plex.unreachable', { downForMs: 11 * 60_000 });
    await first.notify.delivery.runDue();
    expect(receiver.received().length).toBe(4);
    // As if the process died mid-request: a row left "sending".
    first.ctx.deps.sqlite.prepare(`UPDATE notify_outbox SET status = 'sending' WHERE event = 'plex.unreachable'`).run();
    await closeAll();

    receiver.down = false;
    const second = await open([u.ntfy, u.apprise]);
    await second.notify.start();
    clock += 60 * 60_000;
    await second.notify.delivery.runDue();
    const got = receiver.delivered().map((r) => `${r.kind}:${r.kind === 'ntfy' ? r.headers.title : r.json.title}`).sort();
    expect(got).toEqual([
      'apprise:The Plex server is unreachable',
      'apprise:Trakt sign-in lost',
      'ntfy:The Plex server is unreachable',
      'ntfy:Trakt sign-in lost',
    ]);
    clock += 60 * 60_000;
    await second.notify.delivery.runDue();
    expect(receiver.delivered()).toHaveLength(4);
  });

  it('a CLI drain is bounded: a hanging target is cut at the deadline and its message stays queued', async () => {
    const { notify } = await open([receiver.urls(SECRET).json]);
    receiver.setHang(true);
    notify.raise('sync.failed', { runId: 5, error: 'x.' });
    const t0 = Date.now();
    await notify.delivery.drain(300);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(notify.outbox.waiting()).toBe(1);
    expect(receiver.delivered()).toHaveLength(0);
    receiver.setHang(false); // the cut request is answered into a closed socket: the target may see it twice, never not at all
    await notify.delivery.runDue();
    expect(notify.outbox.waiting()).toBe(0);
    expect(receiver.delivered('json').filter((r) => r.json.event === 'sync.failed').length).toBeGreaterThanOrEqual(1);
  });

  it('keeps the last 500 delivery records and finished rows for a week', async () => {
    const { notify, ctx } = await open([receiver.urls(SECRET).json]);
    for (let i = 0; i < 520; i++) notify.outbox.record({ outboxId: null, targetId: null, masked: 'json://x', event: 'notify.test', title: 't', at: clock, ok: true, attempt: 1 });
    notify.raise('sync.failed', { runId: 1, error: 'x.' });
    await notify.delivery.runDue();
    notify.outbox.prune(clock + 8 * 24 * 3600_000);
    const count = (table: string) => (ctx.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(count('notify_deliveries')).toBe(500);
    expect(count('notify_outbox')).toBe(0);
  });

  it("honours Discord's retry_after on a 429", async () => {
    const { notify } = await open([receiver.urls(SECRET).discord]);
    receiver.rateLimited = 1;
    receiver.retryAfterSec = 120;
    notify.raise('trakt.locked', { status: 423, reason: 'Trakt answered 423: this account is locked.' });
    await notify.delivery.runDue();
    expect(receiver.received('discord').map((r) => r.status)).toEqual([429]);
    expect(notify.outbox.nextDueAt()).toBeGreaterThanOrEqual(clock + 120_000);
    clock += 100_000;
    await notify.delivery.runDue();
    expect(receiver.received('discord')).toHaveLength(1);
    clock += 21_000;
    await notify.delivery.runDue();
    expect(receiver.received('discord').map((r) => r.status)).toEqual([429, 204]);
  });
});
