/**
 * 20 scrobbles that fail for good within a minute, through the real service (webhook → worker →
 * dead letter → notification): the person gets one message at once and one "and 18 more" later,
 * not 20.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { startNotifyReceiver, type NotifyReceiver } from '../fakes/notify/receiver.js';
import { startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { settled } from '../fixtures/webhooks/service.js';
import { testPorts } from '../fixtures/webhooks/test-ports.js';

const SECRET = 'notify-storm-webhook-secret';
let service: ServiceHandle;
let receiver: NotifyReceiver;
let fake: TraktFake;

beforeAll(async () => {
  receiver = await startNotifyReceiver();
  fake = await startTraktFake({ rateLimits: false });
  const ports = { ...testPorts(fake), traktWriter: async () => null }; // nothing can reach Trakt: every event dead-letters
  service = await startService(
    loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'info', NOTIFY_URLS: receiver.urls().ntfy }),
    { logSink: new LogCapture(), scrobble: { ports, worker: { maxAttempts: 1 } } },
  );
});
afterAll(async () => {
  await service?.close();
  await receiver?.stop();
  await fake?.stop();
});

describe('a storm of failed scrobbles', () => {
  it('is one message now and one "and 18 more" after the 10-minute window, not 20', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await postMultipart(webhookUrl(service.url, SECRET), modernMovie({ event: 'media.scrobble', ratingKey: String(9100 + i) }));
      expect((await settled(service, ((await res.json()) as { id: number }).id, 10_000)).status).toBe('failed');
    }
    const until = Date.now() + 10_000;
    while (receiver.delivered('ntfy').length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.delivered('ntfy').map((r) => r.headers.title)).toEqual([expect.stringMatching(/^A scrobble failed: /)]);
    const waiting = service.deps.sqlite.prepare(`SELECT event, folded, next_attempt_at - window_at AS gap, status FROM notify_outbox WHERE status = 'pending'`).all();
    expect(waiting).toEqual([{ event: 'scrobble.failed', folded: 18, gap: 0, status: 'pending' }]);
    const held = service.deps.sqlite.prepare(`SELECT MIN(next_attempt_at) - (SELECT MIN(window_at) FROM notify_outbox) AS wait FROM notify_outbox WHERE status = 'pending'`).get() as { wait: number };
    expect(held.wait).toBe(10 * 60_000); // due ten minutes after the first
  });
});
