/**
 * Faults from the Trakt emulator while webhooks flow: 5xx, 429, a dropped connection, an
 * expired token, a dead letter and its Retry. The end state on Trakt is always one play.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertWebhookEvent, requeueFailed } from '../../src/db/repos/webhook-events.js';
import { parsePayload, summarize } from '../../src/scrobble/payload.js';
import { ledgerForSource } from '../../src/ledger/repo.js';
import { modernEpisode, modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart } from '../fixtures/webhooks/send.js';
import { settled, startScrobbleHarness, type ScrobbleHarness } from '../fixtures/webhooks/service.js';

let h: ScrobbleHarness;
beforeAll(async () => {
  h = await startScrobbleHarness({ worker: { backoffMs: 20, maxBackoffMs: 60, maxAttempts: 4 } });
});
afterAll(async () => h?.close());

let rk = 9000;
async function send(payload: unknown) {
  const res = await postMultipart(h.url, payload);
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: number }).id;
}
const playsOf = (trakt: number) => h.fake.plays('alice').filter((p) => p.trakt === trakt);

describe('Trakt faults', () => {
  it('5xx twice, then success: each lost answer is read back from Trakt before the stop is sent again, one play', async () => {
    h.fake.server.inject('/scrobble/stop', { kind: 'status', status: 502, body: 'Bad Gateway' }, 2);
    const id = await send(modernMovie({ event: 'media.scrobble', ratingKey: String(++rk) }));
    const row = await settled(h.service, id);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(3);
    expect(playsOf(1001)).toHaveLength(1);
    const ledger = await ledgerForSource(h.service.deps.db, 'webhook', id);
    expect(ledger.map((l) => `${l.status}:${l.outcome}`)).toEqual(['failed:absent after retry', 'failed:absent after retry', 'sent:scrobble']);
  });

  for (const then of [{ status: 502 }, { status: 500 }, { status: 524 }, 'drop'] as const) {
    it(`a stop Trakt carried out but answered ${typeof then === 'string' ? 'with a cut connection' : then.status}: found in Trakt's history, never sent twice`, async () => {
      const n = ++rk;
      h.fake.catalogue.addMovie({ trakt: n, title: `Lost answer ${n}`, year: 2001, imdb: `tt09${n}`, tmdb: 90_000 + n });
      h.fake.server.inject('/scrobble/stop', { kind: 'apply', then }, 1);
      const id = await send(modernMovie({ event: 'media.scrobble', ratingKey: String(n), imdb: `tt09${n}`, tmdb: 90_000 + n }));
      const row = await settled(h.service, id);
      expect(row.status).toBe('sent');
      const stops = h.fake.server.received('/scrobble/stop', 'POST').filter((r) => r.body.includes(`tt09${n}`));
      expect(stops).toHaveLength(1);
      expect(playsOf(n)).toHaveLength(1);
      const ledger = await ledgerForSource(h.service.deps.db, 'webhook', id);
      expect(ledger.map((l) => `${l.status}:${l.outcome}`)).toEqual(['sent:scrobble']);
    });
  }

  for (const then of [{ status: 502 }, 'drop'] as const) {
    it(`a late scrobble's history add Trakt carried out but answered ${typeof then === 'string' ? 'with a cut connection' : then.status}: read back, never sent twice`, async () => {
      const n = ++rk;
      h.fake.catalogue.addMovie({ trakt: n, title: `Late lost answer ${n}`, year: 2002, imdb: `tt08${n}`, tmdb: 80_000 + n });
      h.fake.server.inject(/^\/sync\/history$/, { kind: 'apply', then }, 1);
      const text = JSON.stringify(modernMovie({ event: 'media.scrobble', ratingKey: String(n), imdb: `tt08${n}`, tmdb: 80_000 + n }));
      // Processed 25 minutes after it arrived: sent to /sync/history at the arrival time.
      const id = insertWebhookEvent(h.service.deps.sqlite, { ...summarize(parsePayload(text)), receivedAt: Date.now() - 25 * 60_000, payload: text });
      h.service.deps.webhookQueue!.wake();
      const row = await settled(h.service, id);
      expect(row.status).toBe('sent');
      expect(playsOf(n)).toHaveLength(1);
      expect(h.fake.server.received('/sync/history', 'POST').filter((r) => r.path === '/sync/history' && r.body.includes(`tt08${n}`))).toHaveLength(1);
      const ledger = await ledgerForSource(h.service.deps.db, 'webhook', id);
      expect(ledger.map((l) => `${l.status}:${l.outcome}`)).toEqual(['sent:found after retry']);
    });
  }

  it('429 with Retry-After: waits and sends, one play', async () => {
    h.fake.server.inject('/scrobble/stop', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '' }, 1);
    const id = await send(modernMovie({ event: 'media.scrobble', ratingKey: String(++rk), imdb: 'tt0072684', tmdb: 3175 }));
    expect((await settled(h.service, id)).status).toBe('sent');
    expect(playsOf(1002)).toHaveLength(1);
  });

  it('a dropped connection: the unanswered write is checked against Trakt history before it is sent again', async () => {
    h.fake.server.inject('/scrobble/stop', { kind: 'drop' }, 1);
    const id = await send(modernMovie({ event: 'media.scrobble', ratingKey: String(++rk), imdb: 'tt0113277', tmdb: 949 }));
    const row = await settled(h.service, id);
    expect(row.status).toBe('sent');
    expect(playsOf(1003)).toHaveLength(1);
    const ledger = await ledgerForSource(h.service.deps.db, 'webhook', id);
    expect(ledger.map((l) => `${l.status}:${l.outcome}`)).toEqual(['failed:absent after retry', 'sent:scrobble']);
    expect(h.fake.server.received('/sync/history/movies', 'GET').length).toBeGreaterThan(0);
  });

  it('an expired token: the event is tried again after the refresh and sent', async () => {
    h.fake.expireAccessTokens('alice');
    const id = await send(modernMovie({ event: 'media.play', ratingKey: String(++rk), imdb: 'tt2543164', tmdb: 329865 }));
    const row = await settled(h.service, id);
    expect(row.status).toBe('sent');
    expect(row.attempts).toBe(2);
  });

  it('after the bounded attempts the event is failed with its last error; others keep flowing; Retry sends it', async () => {
    // Each 503 is an answer lost: Trakt's history is read (no play there) before the next try.
    h.fake.server.inject('/scrobble/stop', { kind: 'status', status: 503, body: 'down' }, 4);
    const failing = await send(modernEpisode({ event: 'media.scrobble', ratingKey: String(++rk), tvdb: 8530906 }));
    const other = await send(modernMovie({ event: 'media.pause', ratingKey: String(++rk), imdb: 'tt2543164', tmdb: 329865 }));
    expect((await settled(h.service, other)).status).toBe('sent');
    const dead = await settled(h.service, failing);
    expect(dead.status).toBe('failed');
    expect(dead.attempts).toBe(4);
    expect(dead.reason).toMatch(/Gave up after 4 attempts\. Trakt's answer was lost \(503\)/);
    expect(playsOf(3006)).toHaveLength(0);

    expect(await requeueFailed(h.service.deps.db, [failing])).toEqual([failing]);
    h.service.deps.webhookQueue!.wake();
    expect((await settled(h.service, failing)).status).toBe('sent');
    expect(playsOf(3006)).toHaveLength(1);
  });

  it('not found on Trakt: failed at once with a sentence, remembered, not retried', async () => {
    const id = await send(modernMovie({ event: 'media.scrobble', ratingKey: String(++rk), imdb: 'tt0000001', tmdb: 1 }));
    const row = await settled(h.service, id);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.reason).toMatch(/Trakt does not know .* \(not_found\)/);
    // The stop's 404, then the history add's not_found: two requests, no more.
    expect(h.fake.server.received('/scrobble/stop', 'POST').filter((r) => r.body.includes('tt0000001'))).toHaveLength(1);
    expect(h.fake.server.received('/sync/history', 'POST').filter((r) => r.path === '/sync/history' && r.body.includes('tt0000001'))).toHaveLength(1);
  });

  it('a passing 404 to the stop of a movie Trakt knows: the play still lands once, through history', async () => {
    const n = ++rk;
    h.fake.catalogue.addMovie({ trakt: n, title: `Passing 404 ${n}`, year: 2003, imdb: `tt07${n}`, tmdb: 70_000 + n });
    h.fake.server.inject('/scrobble/stop', { kind: 'status', status: 404, body: { error: 'not found' } }, 1);
    const id = await send(modernMovie({ event: 'media.scrobble', ratingKey: String(n), imdb: `tt07${n}`, tmdb: 70_000 + n }));
    const row = await settled(h.service, id);
    expect(row.status).toBe('sent');
    expect(row.reason).toMatch(/the stop got a 404, so the play was added to history/);
    expect(playsOf(n)).toHaveLength(1);
  });
});
