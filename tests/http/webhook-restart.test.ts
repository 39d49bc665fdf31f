/**
 * Persist, then acknowledge: the service is SIGKILLed right after Plex got its 200 (before
 * processing, and while the Trakt call is in flight), restarted on the same DATA_DIR, and
 * every event is processed exactly once: one play per scrobble on the Trakt emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { tempDir } from '../helpers/context.js';
import { startWebhookChild, type WebhookChild } from '../fixtures/webhooks/child.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { seedCatalogue } from '../fixtures/webhooks/service.js';

const SECRET = 'restart-test-webhook-secret';
const API_KEY = 'restart-test-api-key-0123';
let fake: TraktFake;
let child: WebhookChild | undefined;

beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
});
afterAll(async () => {
  await child?.kill();
  await fake?.stop();
});

function env(dataDir: string, extra: Record<string, string> = {}) {
  return { DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET, API_KEY, PTS_TRAKT_URL: fake.url, PTS_TRAKT_TOKEN: fake.issueToken('alice').access_token, ...extra };
}

async function events(url: string): Promise<Array<{ id: number; status: string; reason: string }>> {
  const res = await fetch(`${url}/api/v1/events`, { headers: { 'x-api-key': API_KEY } });
  return ((await res.json()) as { events: Array<{ id: number; status: string; reason: string }> }).events;
}

async function allProcessed(url: string, n: number) {
  const until = Date.now() + 15_000;
  for (;;) {
    const list = await events(url);
    if (list.length === n && list.every((e) => e.status !== 'pending')) return list;
    if (Date.now() > until) throw new Error(`events not processed: ${JSON.stringify(list)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const playsOf = (trakt: number) => fake.plays('alice').filter((p) => p.trakt === trakt);

describe('kill after the 200, restart', () => {
  it('events acknowledged but not processed are processed once after a restart', async () => {
    const dataDir = tempDir();
    child = await startWebhookChild(env(dataDir, { PTS_WORKER_PAUSED: '1' }));
    const url = webhookUrl(child.url, SECRET);
    for (const p of [modernMovie({ event: 'media.scrobble', ratingKey: '1' }), modernMovie({ event: 'media.play', ratingKey: '2', imdb: 'tt0072684', tmdb: 3175 })]) {
      expect((await postMultipart(url, p)).status).toBe(200);
    }
    await child.kill('SIGKILL');
    expect(playsOf(1001)).toHaveLength(0);

    child = await startWebhookChild(env(dataDir));
    const list = await allProcessed(child.url, 2);
    expect(list.map((e) => e.status)).toEqual(['sent', 'sent']);
    expect(playsOf(1001)).toHaveLength(1);
    await child.kill('SIGTERM');
  }, 60_000);

  it('a kill while the Trakt call is in flight never makes a second play', async () => {
    const dataDir = tempDir();
    fake.server.latencyMs = 1500;
    child = await startWebhookChild(env(dataDir));
    const before = fake.server.received('/scrobble/stop').length;
    const res = await postMultipart(webhookUrl(child.url, SECRET), modernMovie({ event: 'media.scrobble', ratingKey: '3', imdb: 'tt0113277', tmdb: 949 }));
    expect(res.status).toBe(200);
    const until = Date.now() + 10_000;
    while (fake.server.received('/scrobble/stop').length === before && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await child.kill('SIGKILL'); // Trakt has the request; our answer never arrives
    await new Promise((r) => setTimeout(r, 1700)); // the emulator finishes it: the play exists
    fake.server.latencyMs = 0;
    expect(playsOf(1003)).toHaveLength(1);

    child = await startWebhookChild(env(dataDir));
    const [event] = await allProcessed(child.url, 1);
    expect(event!.status).toBe('sent');
    expect(playsOf(1003)).toHaveLength(1);
    expect(fake.server.received('/scrobble/stop').length).toBe(before + 1); // settled from history, not sent again
    await child.kill('SIGTERM');
  }, 60_000);
});
