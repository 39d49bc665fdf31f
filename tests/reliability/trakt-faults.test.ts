/**
 * Trakt misbehaving in the middle of webhook processing, one fault at a time: down (the
 * emulator stopped), slow (answers after the client's timeout), rate limiting (429 with
 * Retry-After) and garbage (HTML, truncated JSON, a wrong shape). Each time: the pages
 * keep answering quickly, the events page and /api/v1/status say what is wrong, and when
 * Trakt is back the event goes through by itself, with exactly one play on Trakt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import type { Fault } from '../fakes/kit/server.js';
import { legacyEpisode, modernMovie } from '../fixtures/webhooks/payloads.js';
import { seedCatalogue } from '../fixtures/webhooks/service.js';
import { startHarness, timedGet, until, type EventJson, type Harness } from './harness.js';

let fake: TraktFake;
let h: Harness;

beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
  fake.catalogue.addMovie({ trakt: 1006, title: 'Solaris', year: 1972, imdb: 'tt0069293', tmdb: 593 });
  // The emulator's rate limits are off here, and each retried stop is a write: with Trakt's real
  // write spacing (1.1 s) the faults below spent ~15 s waiting for their turn. Nothing here is about
  // spacing (tests/unit/trakt-client.test.ts is); a 429's Retry-After still pauses every call.
  h = await startHarness(fake, { trakt: { budgets: { writeIntervalMs: 100 } } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await fake?.stop();
});

const playsOf = (trakt: number) => fake.plays('alice').filter((p) => p.trakt === trakt);
const eventOf = async (id: number) => (await h.api<{ events: EventJson[] }>('/api/v1/events?limit=500')).events.find((e) => e.id === id)!;

/** While the fault lasts: pages answer 200 fast, and the problem is visible on the events page and in the status. */
async function duringFault(id: number, reason: RegExp) {
  const waiting = await until(`event ${id} retried with a reason`, () => eventOf(id), (e) => e.status === 'pending' && (e.attempts ?? 0) >= 1 && reason.test(e.reason ?? ''), 20_000, 50);
  expect(waiting.reason).toMatch(reason);
  for (const page of ['/', '/events']) {
    const r = await timedGet(h.client, page);
    expect(r.status, page).toBe(200);
    expect(r.ms, `${page} took ${r.ms} ms`).toBeLessThan(1500);
  }
  const events = await timedGet(h.client, '/events');
  expect(decode(events.body)).toMatch(reason);
  const t0 = Date.now();
  const status = await h.api<{ webhooks: { queueDepth: number; failed: number; problem?: { reason: string } | null } }>('/api/v1/status');
  expect(Date.now() - t0).toBeLessThan(1500);
  expect(status.webhooks.queueDepth).toBeGreaterThanOrEqual(1);
  expect(status.webhooks.problem?.reason ?? '').toMatch(reason);
  const dash = await timedGet(h.client, '/');
  expect(decode(dash.body)).toMatch(reason);
}

function decode(html: string): string {
  return html.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

async function sentOnce(id: number, trakt: number) {
  const e = await until(`event ${id} sent`, () => eventOf(id), (e) => e.status !== 'pending', 20_000, 50);
  expect(e.status, e.reason ?? '').toBe('sent');
  // Nothing later sends it again: give the worker a moment, then count plays.
  await new Promise((r) => setTimeout(r, 300));
  expect(playsOf(trakt)).toHaveLength(1);
  const status = await h.api<{ webhooks: { queueDepth: number; problem?: unknown } }>('/api/v1/status');
  expect(status.webhooks.queueDepth).toBe(0);
  expect(status.webhooks.problem ?? null).toBeNull();
}

describe('Trakt faults during webhook processing', () => {
  it('down: the emulator stopped, then started again on the same address', async () => {
    const port = Number(new URL(fake.url).port);
    await fake.stop();
    const sent = await h.send(modernMovie({ event: 'media.scrobble', ratingKey: '1' }));
    expect(sent.status).toBe(200); // stored while Trakt is down
    await duringFault(sent.id!, /could not be reached/i);
    await fake.server.start(port);
    await sentOnce(sent.id!, 1001);
  }, 60_000);

  it('slow: answers after the client timeout (Trakt does the write, the answer never arrives in time)', async () => {
    fake.server.latencyMs = 1500; // client timeout is 600 ms
    const sent = await h.send(modernMovie({ event: 'media.scrobble', ratingKey: '2', imdb: 'tt0072684', tmdb: 3175 }));
    expect(sent.status).toBe(200);
    await duringFault(sent.id!, /did not answer within/i);
    fake.server.latencyMs = 0;
    await sentOnce(sent.id!, 1002); // the timed-out writes that did land are found in history, not sent again
  }, 60_000);

  it('rate limiting: 429 with Retry-After', async () => {
    fake.server.inject('/scrobble/stop', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '' }, 4);
    const sent = await h.send(modernMovie({ event: 'media.scrobble', ratingKey: '3', imdb: 'tt0113277', tmdb: 949 }));
    expect(sent.status).toBe(200);
    await duringFault(sent.id!, /429/);
    await sentOnce(sent.id!, 1003);
    expect(fake.server.received('/scrobble/stop').filter((r) => r.status === 429)).toHaveLength(4);
  }, 60_000);

  const unreadable = /not its answer/;
  const garbage: Array<[string, Fault, number, unknown, RegExp]> = [
    ['HTML instead of JSON (502 page)', { kind: 'status', status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1>cloudflare</body></html>' }, 1004, modernMovie({ event: 'media.scrobble', ratingKey: '4', imdb: 'tt0078748', tmdb: 348 }), /502/],
    ['truncated JSON', { kind: 'garbage', body: '{"id":1,"action":"scrobble","progress":9', contentType: 'application/json' }, 1005, modernMovie({ event: 'media.scrobble', ratingKey: '5', imdb: 'tt2543164', tmdb: 329865 }), unreadable],
    ['a wrong shape', { kind: 'garbage', body: '["not", "a", "scrobble"]', contentType: 'application/json' }, 1006, modernMovie({ event: 'media.scrobble', ratingKey: '6', imdb: 'tt0069293', tmdb: 593 }), unreadable],
    ['HTML with 200', { kind: 'garbage', body: '<!doctype html><title>Captive portal</title>', contentType: 'text/html' }, 4015, legacyEpisode({ event: 'media.scrobble', ratingKey: '7' }), unreadable],
  ];
  for (const [name, fault, trakt, payload, reason] of garbage) {
    it(`garbage: ${name}`, async () => {
      fake.server.inject('/scrobble/stop', fault, fault.kind === 'status' ? 4 : 3); // the client retries a 5xx once itself
      const sent = await h.send(payload);
      expect(sent.status).toBe(200);
      await duringFault(sent.id!, reason);
      // Whatever Trakt's garbage meant, the end state is one play: never none, never two.
      await sentOnce(sent.id!, trakt);
      expect(fake.server.received('/scrobble/stop').filter((r) => r.status !== 201).length).toBeGreaterThanOrEqual(3);
    }, 60_000);
  }

  it('the log names each fault without a stack of noise, and no event was lost', async () => {
    const all = (await h.api<{ events: EventJson[] }>('/api/v1/events?limit=500')).events;
    expect(all.length).toBe(7);
    expect(all.every((e) => e.status === 'sent')).toBe(true);
    expect(h.logs.text()).toMatch(/webhook event will be retried/);
  });
});
