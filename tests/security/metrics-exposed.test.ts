/**
 * `GET /metrics` after real activity (webhooks through the real Trakt client against the
 * emulator: a play, an ignored event, a refused secret, a malformed body, a 429, a token
 * refresh, an event that ends failed, a sync run): every series the issue asks for is
 * there, in Prometheus text format, with the values the activity implies. And it holds
 * counts only: no titles, tokens or secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { seedCatalogue, settled } from '../fixtures/webhooks/service.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

const SECRET = 'metrics-test-webhook-secret';
const API_KEY = 'metrics-test-api-key-0123456';
let fake: TraktFake;
let service: ServiceHandle;

beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
  service = await startService(
    loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET, API_KEY, TRAKT_API_URL: fake.url, TRAKT_OAUTH_URL: fake.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET }),
    {
      logSink: new LogCapture(),
      scrobble: { worker: { backoffMs: 20, maxBackoffMs: 50, maxAttempts: 2 } },
      // Short client retries so that a run of 500s ends an event quickly; writes 100 ms apart, not
      // Trakt's 1.1 s (the emulator has no limits here, and the counts do not depend on spacing).
      tune: { trakt: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 5000 }, timeoutMs: 3000, budgets: { writeIntervalMs: 100 } } },
    },
  );
  await connectTraktAccount(service.deps, fake, 'alice');
}, 60_000);
afterAll(async () => {
  await service?.close();
  await fake?.stop();
});

/** name{labels} → value, for every sample line. */
function parse(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}
function sum(samples: Map<string, number>, prefix: string, has: string[] = []): number {
  let n = 0;
  for (const [k, v] of samples) if ((k === prefix || k.startsWith(`${prefix}{`)) && has.every((h) => k.includes(h))) n += v;
  return n;
}

async function send(payload: unknown): Promise<number> {
  const res = await postMultipart(webhookUrl(service.url, SECRET), payload);
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: number }).id;
}

describe('/metrics after activity', () => {
  it('counts webhooks, the queue, failures, Trakt requests, 429s, refreshes and sync runs', async () => {
    const before = parse(await (await fetch(`${service.url}/metrics`)).text());

    // A play, sent (with one 429 on the way: Retry-After 1 s).
    fake.server.inject('/scrobble/stop', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '' }, 1);
    expect((await settled(service, await send(modernMovie({ event: 'media.scrobble', ratingKey: '1' })), 15_000)).status).toBe('sent');
    // A token refresh.
    fake.expireAccessTokens('alice');
    expect((await settled(service, await send(modernMovie({ event: 'media.scrobble', ratingKey: '2', imdb: 'tt0072684', tmdb: 3175 })), 15_000)).status).toBe('sent');
    // An event Trakt keeps refusing with 500: ends failed.
    fake.server.inject('/scrobble/stop', { kind: 'status', status: 500, body: 'oops' }, 20);
    expect((await settled(service, await send(modernMovie({ event: 'media.scrobble', ratingKey: '3', imdb: 'tt0113277', tmdb: 949 })), 15_000)).status).toBe('failed');
    fake.server.clearFaults();
    // An event that is not used.
    await settled(service, await send({ event: 'library.new', user: true, owner: true, Account: { id: 1, title: 'owner-user' }, Server: { title: 'NAS', uuid: 'x' } }));
    // Refused before storing: wrong secret (401) and a malformed payload (400).
    expect((await postMultipart(webhookUrl(service.url, 'wrong-secret-000000000'), modernMovie())).status).toBe(401);
    expect((await postMultipart(webhookUrl(service.url, SECRET), '{not json')).status).toBe(400);
    // A sync run (it ends however it ends without a Plex server; it must be counted).
    const start = await fetch(`${service.url}/api/v1/sync`, { method: 'POST', headers: { 'x-api-key': API_KEY } });
    expect(start.status).toBe(202);
    const { runId } = (await start.json()) as { runId: number };
    let run: { status: string } = { status: 'running' };
    for (let i = 0; i < 100 && (run.status === 'running' || run.status === 'queued'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = (await (await fetch(`${service.url}/api/v1/runs/${runId}`, { headers: { 'x-api-key': API_KEY } })).json()) as { status: string };
    }
    expect(run.status).not.toBe('running');

    const res = await fetch(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const now = parse(text);
    const delta = (p: string, has: string[] = []) => sum(now, p, has) - sum(before, p, has);

    // Every sample has a HELP and TYPE line for its family.
    for (const key of now.keys()) {
      const family = key.split('{')[0]!.replace(/_(count|sum)$/, '');
      expect(text, key).toMatch(new RegExp(`# TYPE (${family}|${key.split('{')[0]}) (counter|gauge|summary)`));
    }
    // Webhooks received by event, refused by status, processed by event and final status.
    expect(delta('pts_webhooks_received_total', ['event="media.scrobble"'])).toBe(3);
    expect(delta('pts_webhooks_received_total', ['event="library.new"'])).toBe(1);
    expect(delta('pts_webhooks_rejected_total', ['status="401"'])).toBe(1);
    expect(delta('pts_webhooks_rejected_total', ['status="400"'])).toBe(1);
    expect(delta('pts_webhook_events_total', ['event="media.scrobble"', 'status="sent"'])).toBe(2);
    expect(delta('pts_webhook_events_total', ['event="media.scrobble"', 'status="failed"'])).toBe(1);
    expect(delta('pts_webhook_events_total', ['event="library.new"', 'status="ignored"'])).toBe(1);
    expect(delta('pts_webhook_events_failed_total')).toBe(1);
    expect(now.get('pts_webhook_queue_depth')).toBe(0);
    expect(delta('pts_webhook_ack_seconds_count')).toBe(4);
    // Trakt: requests by method and status, the 429, the refresh.
    expect(delta('pts_trakt_requests_total', ['method="POST"', 'status="201"'])).toBeGreaterThanOrEqual(2);
    expect(delta('pts_trakt_requests_total', ['status="500"'])).toBeGreaterThanOrEqual(2);
    expect(delta('pts_trakt_requests_total', ['status="429"'])).toBe(1);
    expect(delta('pts_trakt_rate_limited_total')).toBe(1);
    expect(delta('pts_trakt_token_refreshes_total', ['result="ok"'])).toBe(1);
    // Sync runs by status, and their duration.
    expect(delta('pts_sync_runs_total', [`status="${run.status}"`])).toBe(1);
    expect(delta('pts_sync_run_duration_seconds_count', [`status="${run.status}"`])).toBe(1);
    expect(sum(now, 'pts_sync_run_duration_seconds_sum')).toBeGreaterThanOrEqual(0);

    // Counts only: no item titles, no secrets.
    expect(text).not.toContain('Matrix');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(DEFAULT_CLIENT_SECRET);
  }, 60_000);

  it('shows the queue depth while events wait', async () => {
    service.deps.sqlite.prepare("update webhook_events set status = 'pending', next_attempt_at = ? where id = (select min(id) from webhook_events)").run(Date.now() + 3600_000);
    try {
      const samples = parse(await (await fetch(`${service.url}/metrics`)).text());
      expect(samples.get('pts_webhook_queue_depth')).toBe(1);
    } finally {
      service.deps.sqlite.prepare("update webhook_events set status = 'sent' where id = (select min(id) from webhook_events)").run();
    }
  });
});
