/**
 * The webhook receiver (a real server on a free port: multer reads the raw Node request)
 * fed a few thousand generated malformed requests from a fixed seed: random bytes as
 * multipart, truncated multipart, payloads that are not JSON, not an object, without an
 * event or with parts of the wrong type, oversized fields, too many parts, stray files,
 * wrong content types, and JSON bodies with the same faults. Every answer is 400 or 413,
 * nothing is stored, and the service keeps serving and still takes a good webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { Fuzz, mulberry32 } from '../helpers/fuzz.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { multipartBody, postMultipart, rawPost, webhookUrl } from '../fixtures/webhooks/send.js';

const SECRET = 'fuzz-webhook-secret-0123';
const CASES = 2500;
const IN_FLIGHT = 8;

let service: ServiceHandle;
let url: string;
beforeAll(async () => {
  service = await startService(loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET }), { logSink: new LogCapture() });
  url = webhookUrl(service.url, SECRET);
});
afterAll(async () => service?.close());

const stored = () => (service.deps.sqlite.prepare('select count(*) as n from webhook_events').get() as { n: number }).n;

/** A payload that must be refused: not JSON, not an object, no usable event, or a part of the wrong type. */
function badPayload(f: Fuzz): string {
  const good = modernMovie({ event: 'media.play', ratingKey: String(f.int(1000)) }) as Record<string, unknown>;
  const text = JSON.stringify(good);
  switch (f.int(8)) {
    case 0:
      return text.slice(0, 1 + f.int(text.length - 2)); // truncated JSON
    case 1:
      return f.pick(['[]', 'null', '42', '"media.play"', 'true', '[{"event":"media.play"}]']);
    case 2: {
      const { event: _e, ...rest } = good;
      return JSON.stringify(rest);
    }
    case 3:
      return JSON.stringify({ ...good, event: f.pick([null, 7, '', [], {}, true]) });
    case 4:
      return JSON.stringify({ ...good, Metadata: f.pick(['a movie', 12, [1, 2], true]) });
    case 5:
      return JSON.stringify({ ...good, Account: f.pick(['owner', 5, [1], false]) });
    case 6:
      return Buffer.from(f.bytes(1 + f.int(300))).toString('latin1').replace(/^[\s{[]+/, '#');
    default:
      return `{"event":"media.play",${f.nastyString().replace(/[}\]]/g, '')}`;
  }
}

async function oneCase(f: Fuzz): Promise<{ kind: string; status: number }> {
  const kind = f.int(9);
  const boundary = `----fuzz${f.int(1e6)}`;
  const multipart = (parts: Parameters<typeof multipartBody>[0]) => multipartBody(parts, boundary);
  let headers: Record<string, string>;
  let body: Buffer | string;
  let endEarly = false;
  if (kind === 0) {
    // Random bytes under a multipart content type.
    headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    body = Buffer.from(f.bytes(f.int(3000)));
  } else if (kind === 1) {
    // A real multipart body cut short.
    const m = multipart([{ name: 'payload', value: JSON.stringify(modernMovie({ event: 'media.play' })) }]);
    headers = { 'content-type': m.contentType };
    body = m.body.subarray(0, 10 + f.int(m.body.length - 20));
    endEarly = f.int(2) === 0;
  } else if (kind === 2) {
    const m = multipart([{ name: 'payload', value: badPayload(f) }, ...(f.int(2) ? [{ name: 'thumb', value: Buffer.from(f.bytes(64)), filename: 't.jpg', type: 'image/jpeg' }] : [])]);
    headers = { 'content-type': m.contentType };
    body = m.body;
  } else if (kind === 3) {
    // No payload part, or under another name.
    const m = multipart([{ name: f.pick(['Payload', 'data', 'json', '']), value: JSON.stringify(modernMovie({ event: 'media.play' })) }]);
    headers = { 'content-type': m.contentType };
    body = m.body;
  } else if (kind === 4) {
    // Over the limits: payload over 256 KB, more than 10 parts, two files, a thumb over 2 MB.
    const which = f.int(4);
    const parts: Parameters<typeof multipartBody>[0] =
      which === 0
        ? [{ name: 'payload', value: JSON.stringify({ ...modernMovie({ event: 'media.play' }), pad: 'x'.repeat(257 * 1024) }) }]
        : which === 1
          ? Array.from({ length: 11 + f.int(20) }, (_, i) => ({ name: `f${i}`, value: 'x' }))
          : which === 2
            ? [
                { name: 'payload', value: JSON.stringify(modernMovie({ event: 'media.play' })) },
                { name: 'thumb', value: Buffer.alloc(10), filename: 'a.jpg', type: 'image/jpeg' },
                { name: 'thumb2', value: Buffer.alloc(10), filename: 'b.jpg', type: 'image/jpeg' },
              ]
            : [
                { name: 'payload', value: JSON.stringify(modernMovie({ event: 'media.play' })) },
                { name: 'thumb', value: Buffer.alloc(2 * 1024 * 1024 + 1), filename: 'a.jpg', type: 'image/jpeg' },
              ];
    const m = multipart(parts);
    headers = { 'content-type': m.contentType };
    body = m.body;
  } else if (kind === 5) {
    headers = { 'content-type': 'application/json' };
    body = badPayload(f);
  } else if (kind === 6) {
    headers = f.int(2) ? { 'content-type': f.pick(['text/plain', 'application/xml', 'image/jpeg', 'application/x-www-form-urlencoded']) } : {};
    body = JSON.stringify(modernMovie({ event: 'media.play' }));
  } else if (kind === 7) {
    // Multipart without a boundary, or a boundary that never appears.
    headers = { 'content-type': f.pick(['multipart/form-data', `multipart/form-data; boundary=${boundary}x`]) };
    body = multipart([{ name: 'payload', value: JSON.stringify(modernMovie({ event: 'media.play' })) }]).body;
  } else {
    // A payload field whose value is itself multipart junk or empty.
    const m = multipart([{ name: 'payload', value: f.pick(['', ' ', '\u0000', '{}', '{"event":""}']) }]);
    headers = { 'content-type': m.contentType };
    body = m.body;
  }
  const res = await rawPost(url, headers, body, { endEarly });
  return { kind: `kind ${kind}`, status: res.status };
}

describe('fuzzing the webhook receiver', () => {
  it(`answers ${CASES} malformed requests with 400 or 413, stores nothing, and keeps serving`, async () => {
    const f = new Fuzz(mulberry32(5_11_2026));
    const statuses = new Map<number, number>();
    const wrong: string[] = [];
    // Several requests in flight at once (a truncated upload holds its connection 150 ms): each
    // case's bytes are drawn in order before its request goes out, so the seed names the same cases.
    let next = 0;
    const sender = async () => {
      while (next < CASES) {
        const i = next++;
        const r = await oneCase(f);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        // -1: the server closed a connection whose body was cut short (the client hung up first).
        if (r.status !== 400 && r.status !== 413 && r.status !== -1) wrong.push(`case ${i} (${r.kind}) → ${r.status}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    expect(wrong.slice(0, 10)).toEqual([]);
    expect((statuses.get(400) ?? 0) + (statuses.get(413) ?? 0)).toBeGreaterThan(CASES * 0.9);
    expect(statuses.get(413) ?? 0).toBeGreaterThan(0);
    expect(stored()).toBe(0);
    // Still serving, and a good webhook is still taken.
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const good = await postMultipart(url, modernMovie({ event: 'media.play', ratingKey: '1' }));
    expect(good.status).toBe(200);
    expect(stored()).toBe(1);
  }, 120_000);
});
