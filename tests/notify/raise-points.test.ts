/**
 * Events are raised where they happen: a run's outcome (and SYNC_PING_URL for a scheduled run),
 * Trakt's 423 and a refused refresh, Plex down for more than 10 minutes and back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTokens } from '../../src/db/repos/trakt-accounts.js';
import type { NotifyDetails, NotifyEvent } from '../../src/notify/events.js';
import type { Notifier } from '../../src/notify/notifier.js';
import { PlexWatch } from '../../src/notify/plex-watch.js';
import { createSyncPinger } from '../../src/notify/sync-ping.js';
import { mirrorEnvTargets } from '../../src/notify/targets.js';
import { startSyncRun } from '../../src/sync/run.js';
import { saveTraktApp } from '../../src/trakt/credentials.js';
import { completeDeviceLogin, pollDeviceLogin, startDeviceLogin } from '../../src/trakt/device-auth.js';
import { startNotifyReceiver, type NotifyReceiver } from '../fakes/notify/receiver.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let t: TestContext;
let receiver: NotifyReceiver;

function recorder(): Notifier & { calls: Array<[NotifyEvent, NotifyDetails | undefined]> } {
  const calls: Array<[NotifyEvent, NotifyDetails | undefined]> = [];
  return { calls, raise: (e, d) => void calls.push([e, d]) };
}

const queued = () => t.deps.sqlite.prepare('SELECT event, details, folded FROM notify_outbox ORDER BY id').all() as Array<{ event: string; details: string; folded: number }>;

beforeEach(async () => {
  receiver = await startNotifyReceiver();
  t = await makeTestContext({ PUBLIC_URL: 'https://sync.example.com' });
  await mirrorEnvTargets(t.deps.db, t.deps.cipher, [receiver.urls().json]);
});
afterEach(async () => {
  await t.close();
  await receiver.stop();
});

describe('sync runs', () => {
  it('a failed scheduled run raises sync.failed and pings /start then /fail, without waiting for either', async () => {
    const ping = createSyncPinger({ url: `${receiver.url}/ping/3f0c-uuid`, log: t.deps.log });
    const ports = { plex: async () => null, trakt: async () => null };
    const started = await startSyncRun(t.deps, ports, { trigger: 'schedule' }, { notifier: t.deps.notify, ping });
    const run = await started.done;
    expect(run.status).toBe('failed');
    expect(queued()).toEqual([{ event: 'sync.failed', details: expect.stringContaining(`"runId":${run.id}`), folded: 0 }]);
    expect(JSON.parse(queued()[0]!.details).error).toMatch(/Plex is not connected/);
    await ping.settled();
    expect(receiver.received('ping').map((r) => r.path)).toEqual(['/ping/3f0c-uuid/start', '/ping/3f0c-uuid/fail']);

    // A manual run pings nothing; its failure within 10 minutes folds into the waiting message.
    const manual = await startSyncRun(t.deps, ports, { trigger: 'manual' }, { notifier: t.deps.notify, ping });
    await manual.done;
    await ping.settled();
    expect(receiver.received('ping')).toHaveLength(2);
    expect(queued()).toEqual([expect.objectContaining({ event: 'sync.failed', folded: 1 })]);
  });

  it('maps each outcome to its event; a succeeded run only reaches URLs that name sync.succeeded', async () => {
    const { raiseRunOutcome, raiseAwaitingApproval } = await import('../../src/notify/run-outcome.js');
    const r = recorder();
    raiseRunOutcome(r, { id: 1, status: 'partial', error: '2 item(s) could not be written.' });
    raiseRunOutcome(r, { id: 2, status: 'awaiting_approval', error: 'It would remove 40 plays.' });
    raiseRunOutcome(r, { id: 3, status: 'succeeded', error: null, added_to_trakt: 4, marked_in_plex: 1 });
    raiseRunOutcome(r, { id: 4, status: 'succeeded', error: null, dry_run: 1 });
    raiseRunOutcome(r, { id: 5, status: 'interrupted', error: null });
    raiseAwaitingApproval(r, 6, 'It would remove 30 plays.');
    expect(r.calls.map(([e, d]) => `${e}:${d?.runId}`)).toEqual(['sync.partial:1', 'sync.awaiting_approval:2', 'sync.succeeded:3', 'sync.awaiting_approval:6']);
    t.deps.notify!.raise('sync.succeeded', { runId: 3 });
    expect(queued()).toHaveLength(0); // the json URL has no ?events=, so successes stay quiet
  });
});

describe('Trakt', () => {
  let fake: TraktFake;
  beforeEach(async () => {
    fake = await startTraktFake({ rateLimits: false, deviceCodeIntervalSec: 0 });
  });
  afterEach(async () => fake.stop());

  /** A context as the service builds it (src/context.ts hands the Trakt clients the notifier), connected as alice. */
  async function connected(): Promise<number> {
    await t.close();
    t = await makeTestContext(
      { PUBLIC_URL: 'https://sync.example.com', TRAKT_API_URL: fake.url, TRAKT_OAUTH_URL: fake.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID },
      { tune: { trakt: { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } } } },
    );
    await mirrorEnvTargets(t.deps.db, t.deps.cipher, [receiver.urls().json]);
    await saveTraktApp(t.deps, { clientSecret: DEFAULT_CLIENT_SECRET });
    const app = await t.deps.traktClients.oauthApp();
    const code = await startDeviceLogin(app);
    fake.approveDevice(code.userCode, 'alice');
    const poll = await pollDeviceLogin(app, code.deviceCode);
    if (poll.state !== 'approved') throw new Error(poll.state);
    return (await completeDeviceLogin(t.deps, app.clientId, poll.tokens)).id;
  }

  it('a refused refresh raises trakt.auth_lost', async () => {
    const id = await connected();
    const stored = (await readTokens(t.deps.db, t.deps.cipher, id))!;
    await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'test/1' },
      body: JSON.stringify({ refresh_token: stored.refreshToken, client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, grant_type: 'refresh_token' }),
    });
    const client = await t.deps.traktClients!.forAccount(id);
    await expect(client.lastActivities()).rejects.toThrow();
    expect(queued().map((q) => q.event)).toEqual(['trakt.auth_lost']);
    expect(JSON.parse(queued()[0]!.details)).toMatchObject({ accountId: id, username: 'alice' });
  });

  it('a 423 raises trakt.locked with Trakt’s sentence', async () => {
    const id = await connected();
    fake.server.inject('/sync/last_activities', { kind: 'status', status: 423, body: { error: 'locked' } });
    const client = await t.deps.traktClients!.forAccount(id);
    await expect(client.lastActivities()).rejects.toThrow(/423/);
    const [row] = queued();
    expect(row!.event).toBe('trakt.locked');
    expect(JSON.parse(row!.details)).toMatchObject({ status: 423, reason: expect.stringMatching(/Contact Trakt support/) });
  });
});

describe('Plex watch', () => {
  it('says nothing about a short outage; down for more than 10 minutes raises plex.unreachable once, then plex.recovered', async () => {
    let now = 0;
    let up = false;
    const r = recorder();
    const watch = new PlexWatch({ notifier: r, now: () => now, probe: async () => { if (!up) throw new Error('connect ECONNREFUSED'); return true; } });
    for (; now <= 5 * 60_000; now += 60_000) await watch.check();
    up = true;
    await watch.check();
    expect(r.calls).toEqual([]);
    up = false;
    for (now = 10 * 60_000; now <= 30 * 60_000; now += 60_000) await watch.check();
    expect(r.calls).toEqual([['plex.unreachable', { downForMs: 10 * 60_000, reason: 'connect ECONNREFUSED' }]]);
    up = true;
    await watch.check();
    await watch.check();
    expect(r.calls.map(([e]) => e)).toEqual(['plex.unreachable', 'plex.recovered']);
    expect(r.calls[1]![1]).toEqual({ downForMs: 21 * 60_000 });
  });
});
