/**
 * With the worker's production defaults, an event whose Trakt call gets no answer keeps
 * being retried through a long outage (simulated clock) and is not dead-lettered before
 * an hour: a Trakt outage or a 5-minute lockout resolves without a manual Retry.
 * (Before: 6 attempts, given up after about 2-3 minutes.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { insertWebhookEvent } from '../../src/db/repos/webhook-events.js';
import type { ScrobblePorts, TraktWriter } from '../../src/scrobble/ports.js';
import { EventWorker } from '../../src/scrobble/worker.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { probeEach } from '../helpers/probe-each.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('the retry window of the event worker (defaults)', () => {
  it('keeps an event pending through a 60-minute outage, then sends it when Trakt answers', async () => {
    t = await makeTestContext();
    let clock = Date.now();
    let up = false;
    let posts = 0;
    const writer: TraktWriter = {
      post: async (path) => {
        posts++;
        if (!up) throw new Error('Trakt (api.trakt.tv) could not be reached: ECONNREFUSED');
        // Processed this late, the scrobble is sent as a history add (watched_at = when the webhook came).
        if (path === '/sync/history') return { status: 201, body: { added: { movies: 1, episodes: 0 }, not_found: { movies: [] } } };
        return { status: 201, body: { id: 1, action: 'scrobble', progress: 90, movie: { ids: { trakt: 1 } } } };
      },
      probe: probeEach(async () => {
        if (!up) throw new Error('Trakt could not be reached');
        return { found: false };
      }),
    };
    const ports: ScrobblePorts = {
      connectedServer: async () => null,
      librarySelected: async () => true,
      defaultTraktAccount: async () => 1,
      traktAccounts: async () => [],
      traktWriter: async () => writer,
      plex: async () => null,
    };
    const payload = modernMovie({ event: 'media.scrobble', ratingKey: '1' });
    const id = insertWebhookEvent(t.deps.sqlite, { receivedAt: clock, event: 'media.scrobble', accountId: 1, accountTitle: 'owner-user', serverUuid: null, serverTitle: null, playerTitle: null, ratingKey: '1', mediaType: 'movie', title: 'The Matrix', payload: JSON.stringify(payload) });
    const worker = new EventWorker({ db: t.deps.db, log: t.deps.log, ports }, { now: () => clock });
    await worker.start();
    const row = () => t!.deps.sqlite.prepare('select status, attempts, next_attempt_at, reason from webhook_events where id = ?').get(id) as { status: string; attempts: number; next_attempt_at: number; reason: string };
    const outageEnds = clock + 60 * 60_000;
    for (let step = 0; step < 100 && clock < outageEnds; step++) {
      await worker.idle();
      const r = row();
      expect(r.status, `after ${Math.round((clock - (outageEnds - 60 * 60_000)) / 60_000)} min: ${r.reason}`).toBe('pending');
      clock = Math.min(outageEnds, Math.max(clock + 1, r.next_attempt_at));
      worker.wake();
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(clock).toBe(outageEnds);
    expect(posts).toBe(1); // later attempts probe Trakt's history for the first one before sending again
    expect(row().attempts).toBeGreaterThanOrEqual(8); // it kept trying
    up = true;
    for (let step = 0; step < 10 && row().status === 'pending'; step++) {
      clock = Math.max(clock + 1, row().next_attempt_at);
      worker.wake();
      await new Promise((res) => setTimeout(res, 5));
      await worker.idle();
    }
    expect(row().status, row().reason).toBe('sent');
    expect(posts).toBe(2); // the probe found no play: sent once more, once
    await worker.stop();
  });
});
