/**
 * The dashboard over app.request: "Needs you" (failed events, a held run, a lost Trakt login),
 * "Landed on Trakt" with how long after Plex, "Now playing" from the now-playing service, and
 * the live regions it publishes on the bus topic `dashboard`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markNeedsLogin, saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import { finishWebhookEvent, insertWebhookEvent } from '../../src/db/repos/webhook-events.js';
import { recordIntents, settle } from '../../src/ledger/repo.js';
import { NowPlayingService } from '../../src/now-playing/service.js';
import type { PlexSession } from '../../src/plex/types.js';
import { DASHBOARD_TOPIC, dashboardEventChanged, startDashboardLive } from '../../src/web/dashboard-live.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let t: TestContext;
let client: FormClient;

beforeAll(async () => {
  t = await makeTestContext();
  client = new FormClient(t.app);
  await setUpAdmin(client, t.deps.setupCode);
});
afterAll(async () => t?.close());

const page = async () => (await client.get('/')).text();

function event(title: string, status: 'sent' | 'failed', receivedAt: number) {
  return insertWebhookEvent(t.deps.sqlite, { receivedAt, event: 'media.scrobble', accountId: 1, accountTitle: 'alice', serverUuid: 'srv', serverTitle: 'NAS', playerTitle: 'Shield', ratingKey: '9', mediaType: 'movie', title, payload: '{}' });
}

describe('the dashboard', () => {
  it('with nothing yet: no "Needs you", no plays, no server; one stream for runs and the dashboard', async () => {
    const html = await page();
    expect(html).toContain('<div id="needs-you"></div>');
    expect(html).toContain('No play has reached Trakt from a webhook yet');
    expect(html).toContain('No Plex server is connected');
    expect(html).toContain('hx-sse:connect="/live?topics=runs,dashboard"');
  });

  it('puts what needs the user at the top: failed events, a held run, a lost login', async () => {
    const failed = event('Refused (2001)', 'failed', Date.now());
    await finishWebhookEvent(t.deps.db, failed, { status: 'failed', reason: 'Trakt does not know this item (404).' });
    t.deps.sqlite.prepare("insert into sync_runs (trigger, status, phase, started_at, heartbeat_at) values ('schedule', 'awaiting_approval', 'planning', 1, 1)").run();
    const heldId = (t.deps.sqlite.prepare('select max(id) as id from sync_runs').get() as { id: number }).id;
    const acct = await saveConnectedAccount(t.deps.db, t.deps.cipher, { username: 'alice', slug: 'alice' }, 'client', { accessToken: 'a', refreshToken: 'r', createdAt: 0, expiresAt: Date.now() + 1e9 });
    await markNeedsLogin(t.deps.db, acct.id, 'invalid_grant');
    const html = await page();
    const top = html.slice(html.indexOf('id="needs-you"'), html.indexOf('id="card-now-playing"'));
    expect(top).toContain('data-attention="failed_events"');
    expect(top).toContain('1 webhook event could not be sent to Trakt.');
    expect(top).toContain('href="/events?status=failed"');
    expect(top).toContain('data-attention="held_run"');
    expect(top).toContain(`href="/runs/${heldId}"`);
    expect(top).toContain('data-attention="trakt_login"');
    expect(top).toContain('Trakt stopped accepting the sign-in of alice');
    // The needs-you list comes before everything else on the page.
    expect(html.indexOf('data-attention=')).toBeLessThan(html.indexOf('id="card-now-playing"'));
  });

  it('shows the last plays that reached Trakt and how long after Plex said so', async () => {
    const receivedAt = Date.now() - 60_000;
    const id = event('The Matrix (1999)', 'sent', receivedAt);
    const [ledgerId] = await recordIntents(t.deps.db, [{ target: 'trakt', accountId: 1, action: 'scrobble.stop', mediaType: 'movie', itemKey: 'movie:imdb:tt0133093', title: 'The Matrix (1999)', progress: 91, source: 'webhook', sourceId: id, request: { movie: { ids: { tmdb: 603 } }, progress: 91 } }], null, receivedAt + 300);
    await settle(t.deps.db, [{ id: ledgerId!, status: 'sent', outcome: 'scrobble' }], receivedAt + 1_800);
    await finishWebhookEvent(t.deps.db, id, { status: 'sent', reason: 'watched: scrobbled', traktAnswer: { status: 201, body: { id: 1, action: 'scrobble', progress: 91, movie: { ids: { tmdb: 603 } } } } });
    // A start is not a play: not listed.
    const startId = event('Not A Play (2000)', 'sent', receivedAt);
    const [startRow] = await recordIntents(t.deps.db, [{ target: 'trakt', accountId: 1, action: 'scrobble.start', mediaType: 'movie', itemKey: 'movie:imdb:tt1', title: 'Not A Play (2000)', source: 'webhook', sourceId: startId }]);
    await settle(t.deps.db, [{ id: startRow!, status: 'sent', outcome: 'start' }]);
    const html = await page();
    const card = html.slice(html.indexOf('id="card-recent-plays"'), html.indexOf('id="card-sync"'));
    expect(card).toContain('The Matrix (1999)');
    expect(card).toContain('on Trakt 1.8 s later');
    expect(card).toContain('scrobbled at 91 %');
    expect(card).toContain(`/events?open=${id}#event-${id}`);
    expect(card).not.toContain('Not A Play');
  });

  it('shows what is playing, and publishes changes and new plays live', async () => {
    let sessions: PlexSession[] = [
      { ratingKey: '50', type: 'movie', title: 'The Ocean', year: 1963, duration: 1000, viewOffset: 450, sessionKey: '1', User: { title: 'bob' }, Player: { title: 'Phone', state: 'playing', local: false } } as PlexSession,
    ];
    const original = t.deps.nowPlaying;
    t.deps.nowPlaying = new NowPlayingService({ source: { sessions: async () => sessions, ids: async () => ({ tmdb: 77 }) }, log: t.deps.log, bus: t.deps.bus, wanted: () => t.deps.bus.hasSubscribers(DASHBOARD_TOPIC), pokeDelayMs: 1 });
    const stop = startDashboardLive(t.deps);
    try {
      const html = await page();
      const card = html.slice(html.indexOf('id="card-now-playing"'), html.indexOf('id="card-recent-plays"'));
      expect(card).toContain('The Ocean');
      expect(card).toContain('(1963)');
      expect(card).toMatch(/bob<\/span> on <span class="now-playing-where">Phone \(away\)/);
      expect(card).toContain('45 %');

      const messages: string[] = [];
      const off = t.deps.bus.subscribe([DASHBOARD_TOPIC], (m) => messages.push(m.html), () => {});
      try {
        sessions = [];
        await t.deps.nowPlaying.refresh();
        await expect.poll(() => messages.find((m) => m.includes('#now-playing-body')) ?? '', { timeout: 2000 }).toContain('Nothing is playing');
        // A webhook event changed: the regions are rendered once more (and only what changed is sent).
        const failed = event('Another Refusal (2002)', 'failed', Date.now());
        await finishWebhookEvent(t.deps.db, failed, { status: 'failed', reason: 'no' });
        dashboardEventChanged(t.deps);
        await expect.poll(() => messages.find((m) => m.includes('#needs-you')) ?? '', { timeout: 2000 }).toContain('2 webhook events could not be sent');
        const live = messages.find((m) => m.includes('#needs-you'))!;
        expect(live).toMatch(/hx-target="#webhook-stats"[^]*id="webhooks-failed"[^]*>2</);
        expect(live).toContain('hx-target="#recent-plays-body"');
      } finally {
        off();
      }
    } finally {
      stop();
      await t.deps.nowPlaying.stop();
      t.deps.nowPlaying = original;
    }
  });

  it('says when the Plex server does not answer, without making every page view wait for it', async () => {
    const original = t.deps.nowPlaying;
    let calls = 0;
    t.deps.nowPlaying = new NowPlayingService({
      source: {
        sessions: async () => {
          calls++;
          throw new Error('connect ECONNREFUSED 127.0.0.1:32400');
        },
        ids: async () => null,
      },
      log: t.deps.log,
      wanted: () => false,
    });
    try {
      const first = await page();
      expect(first).toContain('The Plex server did not answer when asked what is playing');
      expect(first).not.toContain('ECONNREFUSED'); // the reason is in the log and Settings, not on the card
      const started = Date.now();
      expect(await page()).toContain('id="now-playing-problem"');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(calls).toBe(1);
    } finally {
      await t.deps.nowPlaying.stop();
      t.deps.nowPlaying = original;
    }
  });
});
