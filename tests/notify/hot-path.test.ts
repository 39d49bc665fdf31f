/**
 * A target that hangs must not touch the hot paths: the webhook ACK and the event worker keep
 * their latency while every delivery waits on the hanging receiver (real service, real HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { startNotifyReceiver, type NotifyReceiver } from '../fakes/notify/receiver.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { settled } from '../fixtures/webhooks/service.js';
import { testPorts } from '../fixtures/webhooks/test-ports.js';

const SECRET = 'notify-hot-path-webhook-secret';
let service: ServiceHandle;
let receiver: NotifyReceiver;
let fake: TraktFake;
let url: string;

beforeAll(async () => {
  receiver = await startNotifyReceiver();
  fake = await startTraktFake({ rateLimits: false });
  // Every event dead-letters at once (no Trakt writer), so each one raises scrobble.failed.
  const ports = { ...testPorts(fake), traktWriter: async () => null };
  service = await startService(
    loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'info', NOTIFY_URLS: `${receiver.urls().json} ${receiver.urls().ntfy}` }),
    { logSink: new LogCapture(), scrobble: { ports, worker: { maxAttempts: 1 } }, tune: { notify: { timeoutMs: 60_000 } } },
  );
  url = webhookUrl(service.url, SECRET);
});

afterAll(async () => {
  receiver?.setHang(false);
  await service?.close();
  await receiver?.stop();
  await fake?.stop();
});

/** ACK time of each webhook, and how long the worker took from receipt to its final status. */
async function burst(firstKey: number, n: number): Promise<{ ack: number[]; work: number[] }> {
  const ack: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await postMultipart(url, modernMovie({ event: 'media.scrobble', ratingKey: String(firstKey + i) }));
    ack.push(performance.now() - t);
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as { id: number }).id);
  }
  const work: number[] = [];
  for (const id of ids) {
    const row = await settled(service, id, 10_000);
    expect(row.status).toBe('failed');
    work.push(row.processed_at! - row.received_at);
  }
  return { ack, work };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('a hanging notification target', () => {
  it('leaves the webhook ACK and the worker latency as they were', async () => {
    const before = await burst(7000, 10);
    await waitFor(() => receiver.delivered('json').length >= 1);

    receiver.setHang(true);
    receiver.clear();
    // Ten minutes of folding do not apply to a new event type: this one goes out now, and hangs.
    service.deps.notify!.raise('sync.failed', { runId: 1, error: 'The sync stopped.' });
    await waitFor(() => receiver.received().length >= 1);
    const during = await burst(8000, 10);
    expect(receiver.delivered()).toHaveLength(0); // every delivery is still hanging

    const slack = 250; // a loaded 2-core machine; a coupled ACK would wait for the 60 s delivery time-out
    expect(median(during.ack)).toBeLessThan(median(before.ack) + slack);
    expect(Math.max(...during.ack)).toBeLessThan(Math.max(...before.ack) + 1000);
    expect(median(during.work)).toBeLessThan(median(before.work) + slack);
    expect(Math.max(...during.work)).toBeLessThan(5_000);

    receiver.setHang(false);
    await waitFor(() => receiver.delivered().some((r) => r.json?.event === 'sync.failed'));
  });
});

async function waitFor(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
