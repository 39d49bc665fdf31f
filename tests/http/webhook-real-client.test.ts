/**
 * The production wiring: the worker writes through engineer A's Trakt client (budgets,
 * retries, one refresh) to the emulator, for a connected account stored in the database.
 * Expired token → refreshed once and sent; 5xx → retried by the client; one play each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createScrobblePorts } from '../../src/scrobble/wiring.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { seedCatalogue, settled } from '../fixtures/webhooks/service.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

const SECRET = 'real-client-webhook-secret';
let fake: TraktFake;
let service: ServiceHandle;
let logs: LogCapture;

beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
  logs = new LogCapture();
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET, TRAKT_API_URL: fake.url, TRAKT_OAUTH_URL: fake.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET };
  // Store the connected account first (as a login would), then start the service on that data dir.
  const first = await startService(loadConfig(env), { logSink: new LogCapture() });
  await connectTraktAccount(first.deps, fake, 'alice');
  await first.close();
  service = await startService(loadConfig(env), { logSink: logs });
});
afterAll(async () => {
  await service?.close();
  await fake?.stop();
});

async function send(payload: unknown) {
  const res = await postMultipart(webhookUrl(service.url, SECRET), payload);
  expect(res.status).toBe(200);
  return settled(service, ((await res.json()) as { id: number }).id, 15_000);
}
const playsOf = (trakt: number) => fake.plays('alice').filter((p) => p.trakt === trakt);

describe('webhooks through the real Trakt client', () => {
  it('scrobbles to the connected account', async () => {
    const row = await send(modernMovie({ event: 'media.scrobble', ratingKey: '1' }));
    expect(row.status).toBe('sent');
    expect(playsOf(1001)).toHaveLength(1);
  });

  it('an expired access token is refreshed once and the play is sent once', async () => {
    fake.expireAccessTokens('alice');
    const row = await send(modernMovie({ event: 'media.scrobble', ratingKey: '2', imdb: 'tt0072684', tmdb: 3175 }));
    expect(row.status).toBe('sent');
    expect(playsOf(1002)).toHaveLength(1);
    expect(fake.countOf('POST /oauth/token')).toBeGreaterThanOrEqual(1);
  });

  it('a 502 is retried by the client and the play is sent once', async () => {
    fake.server.inject('/scrobble/stop', { kind: 'status', status: 502, body: 'Bad Gateway' }, 1);
    const row = await send(modernMovie({ event: 'media.scrobble', ratingKey: '3', imdb: 'tt0113277', tmdb: 949 }));
    expect(row.status).toBe('sent');
    expect(playsOf(1003)).toHaveLength(1);
  });

  it('a repeat stop answered 409 by Trakt counts as done', async () => {
    // The ledger has no play of this movie for this event's account window yet: Trakt has one already.
    fake.addPlay('alice', { type: 'movie', trakt: 1004 }, new Date().toISOString(), 'scrobble');
    fake.user('alice').scrobbled.set(fake.catalogue.movies.get(1004)!, { watchedAt: Date.now(), expiresAt: Date.now() + 3600_000 });
    const row = await send(modernMovie({ event: 'media.scrobble', ratingKey: '4', imdb: 'tt0078748', tmdb: 348 }));
    expect(row.status).toBe('sent');
    expect(row.reason).toMatch(/409/);
    expect(playsOf(1004)).toHaveLength(1);
    expect(logs.text()).not.toContain(SECRET);
  });

  it('the writer follows the registry: a changed Trakt app gives the worker the new client, not a stale one', async () => {
    const ports = createScrobblePorts(service.deps);
    const id = (await ports.traktAccounts())[0]!.id;
    const a = await ports.traktWriter(id);
    expect(await ports.traktWriter(id)).toBe(a); // one writer per client
    service.deps.traktClients.invalidate(); // as saving new app credentials does
    const b = await ports.traktWriter(id);
    expect(b).not.toBe(a);
    expect(await ports.traktWriter(id)).toBe(b);
  });
});
