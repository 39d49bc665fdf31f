/**
 * The webhook receiver on a real port (multer reads the raw Node request): the secret,
 * the limits, every malformed input → 4xx with nothing stored, and a good one → one row.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { legacyEpisode, modernMovie } from '../fixtures/webhooks/payloads.js';
import { multipartBody, postJson, postMultipart, rawPost, webhookUrl } from '../fixtures/webhooks/send.js';

const SECRET = 'receive-test-webhook-secret';
let service: ServiceHandle;
let logs: LogCapture;
let url: string;

const count = () => (service.deps.sqlite.prepare('select count(*) as n from webhook_events').get() as { n: number }).n;

beforeAll(async () => {
  logs = new LogCapture();
  service = await startService(loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'debug' }), { logSink: logs });
  url = webhookUrl(service.url, SECRET);
});
afterAll(async () => service?.close());

describe('POST /webhooks/plex/:secret', () => {
  it('stores a Plex multipart webhook with its thumbnail dropped, then answers 200', async () => {
    const before = count();
    const res = await postMultipart(url, modernMovie({ event: 'media.play' }), { thumbBytes: 40_000 });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: number };
    expect(count()).toBe(before + 1);
    const row = service.deps.sqlite.prepare('select * from webhook_events where id = ?').get(id) as Record<string, unknown>;
    expect(row).toMatchObject({
      event: 'media.play',
      account_id: 1,
      account_title: 'owner-user',
      player_title: 'Shield TV',
      rating_key: '1201',
      media_type: 'movie',
      title: 'The Matrix (1999)',
    });
    expect(JSON.parse(row.payload as string).Metadata.title).toBe('The Matrix');
    expect(String(row.payload)).not.toContain('\xff');
  });

  it('accepts the same payload as a JSON body (Tautulli, proxies), and a wrapped {"payload": "…"}', async () => {
    expect((await postJson(url, legacyEpisode({ event: 'media.pause' }))).status).toBe(200);
    expect((await postJson(url, { payload: JSON.stringify(legacyEpisode({ event: 'media.stop' })) })).status).toBe(200);
    const last = service.deps.sqlite.prepare('select title, event from webhook_events order by id desc limit 2').all();
    expect(last).toEqual([
      { title: 'Futurama · S02E15 · A Clone of My Own', event: 'media.stop' },
      { title: 'Futurama · S02E15 · A Clone of My Own', event: 'media.pause' },
    ]);
  });

  it('answers 401 to a wrong secret before reading the body, and never logs the secret', async () => {
    const before = count();
    const res = await postMultipart(webhookUrl(service.url, 'not-the-secret-at-all'), modernMovie());
    expect(res.status).toBe(401);
    expect(count()).toBe(before);
    // A 1 MB body that is never read still gets its 401.
    const big = await rawPost(webhookUrl(service.url, SECRET.slice(0, -1) + 'X'), { 'content-type': 'application/json' }, Buffer.alloc(1_000_000, 0x20));
    expect([401, -1]).toContain(big.status);
    expect(logs.text()).not.toContain(SECRET);
  });

  const malformed: Array<[string, () => Promise<{ status: number; body: string }>, number[]]> = [
    ['random bytes as multipart', () => rawPost(url, { 'content-type': 'multipart/form-data; boundary=xyz' }, crypto.randomBytes(5000)), [400]],
    ['multipart without a boundary', () => rawPost(url, { 'content-type': 'multipart/form-data' }, 'payload=1'), [400]],
    ['random bytes as JSON', () => rawPost(url, { 'content-type': 'application/json' }, crypto.randomBytes(3000)), [400]],
    ['a wrong content type', () => rawPost(url, { 'content-type': 'text/plain' }, JSON.stringify(modernMovie())), [400]],
    ['no content type', () => rawPost(url, {}, JSON.stringify(modernMovie())), [400]],
    ['bad JSON in the payload field', () => { const m = multipartBody([{ name: 'payload', value: '{"event": "media.play",' }]); return rawPost(url, { 'content-type': m.contentType }, m.body); }, [400]],
    ['no payload field', () => { const m = multipartBody([{ name: 'other', value: '{}' }]); return rawPost(url, { 'content-type': m.contentType }, m.body); }, [400]],
    ['a payload without event', () => postAsRaw({ ...modernMovie(), event: undefined }), [400]],
    ['an empty event', () => postAsRaw({ ...modernMovie(), event: '' }), [400]],
    ['an event of the wrong type', () => postAsRaw({ ...modernMovie(), event: 42 }), [400]],
    ['an Account of the wrong type', () => postAsRaw({ ...modernMovie(), Account: 'owner' }), [400]],
    ['Metadata.ratingKey of the wrong type', () => postAsRaw({ ...modernMovie(), Metadata: { ratingKey: { a: 1 } } }), [400]],
    ['a JSON array', () => postAsRaw([1, 2, 3]), [400]],
    ['JSON null', () => postAsRaw(null), [400]],
    ['a payload field over 256 KB', () => { const m = multipartBody([{ name: 'payload', value: JSON.stringify({ event: 'media.play', pad: 'x'.repeat(300_000) }) }]); return rawPost(url, { 'content-type': m.contentType }, m.body); }, [413]],
    ['a JSON body over 256 KB', () => rawPost(url, { 'content-type': 'application/json' }, JSON.stringify({ event: 'media.play', pad: 'x'.repeat(300_000) })), [413]],
    ['a thumbnail over 2 MB', () => { const m = multipartBody([{ name: 'payload', value: JSON.stringify(modernMovie()) }, { name: 'thumb', value: Buffer.alloc(2_200_000, 1), filename: 't.jpg', type: 'image/jpeg' }]); return rawPost(url, { 'content-type': m.contentType }, m.body); }, [413]],
    ['two files', () => { const m = multipartBody([{ name: 'payload', value: JSON.stringify(modernMovie()) }, { name: 'thumb', value: Buffer.alloc(10, 1), filename: 'a.jpg', type: 'image/jpeg' }, { name: 'thumb2', value: Buffer.alloc(10, 1), filename: 'b.jpg', type: 'image/jpeg' }]); return rawPost(url, { 'content-type': m.contentType }, m.body); }, [413]],
    ['many fields', () => { const m = multipartBody([{ name: 'payload', value: JSON.stringify(modernMovie()) }, ...Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'x' }))]); return rawPost(url, { 'content-type': m.contentType }, m.body); }, [413]],
    ['a truncated multipart body', () => { const m = multipartBody([{ name: 'payload', value: JSON.stringify(modernMovie()) }]); return rawPost(url, { 'content-type': m.contentType }, m.body.subarray(0, m.body.length - 60)); }, [400]],
    ['an upload that stops before its declared length', () => { const m = multipartBody([{ name: 'payload', value: JSON.stringify(modernMovie()) }]); return rawPost(url, { 'content-type': m.contentType, 'content-length': String(m.body.length + 500) }, m.body, { endEarly: true }); }, [400, -1]],
  ];

  function postAsRaw(payload: unknown) {
    const m = multipartBody([{ name: 'payload', value: JSON.stringify(payload) }]);
    return rawPost(url, { 'content-type': m.contentType }, m.body);
  }

  it.each(malformed)('refuses %s with a 4xx, stores nothing, and keeps serving', async (_name, send, statuses) => {
    const before = count();
    const res = await send();
    expect(statuses).toContain(res.status);
    if (res.status > 0) expect(JSON.parse(res.body).message).toMatch(/\w+.*\./);
    expect(count()).toBe(before);
    const ok = await postMultipart(url, modernMovie({ event: 'media.pause' }));
    expect(ok.status).toBe(200);
  });
});
