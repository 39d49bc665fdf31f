/**
 * Posts webhooks the way a Plex server does (API.md B.5): `multipart/form-data` with a
 * `payload` text part (the JSON) and, for events that have a poster, a `thumb` JPEG file
 * part; User-Agent `PlexMediaServer/1.41.x`. Or as plain JSON (what Tautulli sends). The
 * body is built by hand so fuzz tests can break it on purpose (`corrupt`).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { makeJpeg } from './jpeg.js';
import type { PlexServerFake } from './pms.js';
import { PMS_VERSION } from './resources.js';
import { buildWebhookPayload, EVENTS_WITH_THUMB, type PlexWebhookPayload, type WebhookInput } from './webhook-payload.js';

export const PLEX_USER_AGENT = `PlexMediaServer/${PMS_VERSION}`;
export const TAUTULLI_USER_AGENT = 'Tautulli/2.15.2';

/** Ways to break a webhook for fuzz tests. */
export type Corruption =
  | 'invalid-json' // the payload part is not JSON (cut in half)
  | 'truncated' // the body ends mid-part, without the closing boundary
  | 'no-payload' // the payload part is named something else
  | 'wrong-boundary' // the Content-Type names a boundary the body does not use
  | 'no-boundary' // multipart/form-data without a boundary parameter
  | 'empty'; // no body at all

export interface EncodeOptions {
  /** multipart (Plex, default) or json (Tautulli). */
  format?: 'multipart' | 'json';
  /** Attach the poster: default per event (play, rate, library.new, on deck, playback.started); a Buffer replaces it. */
  thumb?: boolean | Buffer;
  userAgent?: string;
  corrupt?: Corruption | ((encoded: EncodedWebhook) => EncodedWebhook);
}

export interface SendOptions extends EncodeOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface EncodedWebhook {
  body: Buffer;
  headers: Record<string, string>;
}

export interface SendResult {
  /** HTTP status, or -1 when the connection failed or closed without an answer. */
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

let cachedThumb: Buffer | undefined;
/** The poster Plex would attach: a small valid JPEG. */
export function webhookThumb(): Buffer {
  return (cachedThumb ??= makeJpeg(64, 96));
}

function multipart(parts: Array<{ name: string; value: Buffer; filename?: string; type?: string }>, boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.type) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), p.value, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The exact bytes and headers of a webhook request for `payload`. */
export function encodeWebhook(payload: PlexWebhookPayload | Record<string, unknown>, opts: EncodeOptions = {}): EncodedWebhook {
  const json = JSON.stringify(payload);
  const event = String((payload as { event?: unknown }).event ?? '');
  const corrupt = opts.corrupt;
  const payloadText = corrupt === 'invalid-json' ? json.slice(0, Math.max(1, Math.floor(json.length / 2))) : json;
  let encoded: EncodedWebhook;
  if (opts.format === 'json') {
    encoded = { body: Buffer.from(payloadText), headers: { 'content-type': 'application/json', 'user-agent': opts.userAgent ?? TAUTULLI_USER_AGENT } };
  } else {
    // Plex's sender is libcurl: its boundaries look like this.
    const boundary = `------------------------${randomBytes(8).toString('hex')}`;
    const parts: Array<{ name: string; value: Buffer; filename?: string; type?: string }> = [
      { name: corrupt === 'no-payload' ? 'data' : 'payload', value: Buffer.from(payloadText) },
    ];
    const thumb = Buffer.isBuffer(opts.thumb) ? opts.thumb : (opts.thumb ?? EVENTS_WITH_THUMB.has(event)) ? webhookThumb() : undefined;
    if (thumb) parts.push({ name: 'thumb', value: thumb, filename: 'image.jpg', type: 'image/jpeg' });
    let body = multipart(parts, boundary);
    let contentType = `multipart/form-data; boundary=${boundary}`;
    if (corrupt === 'truncated') body = body.subarray(0, Math.floor(body.length * 0.6));
    if (corrupt === 'wrong-boundary') contentType = `multipart/form-data; boundary=${boundary}x`;
    if (corrupt === 'no-boundary') contentType = 'multipart/form-data';
    encoded = { body, headers: { 'content-type': contentType, 'user-agent': opts.userAgent ?? PLEX_USER_AGENT } };
  }
  if (corrupt === 'empty') encoded.body = Buffer.alloc(0);
  if (typeof corrupt === 'function') encoded = corrupt(encoded);
  return encoded;
}

/** Posts a webhook to any URL. Never throws for network trouble: status -1 instead. */
export function sendWebhook(url: string, payload: PlexWebhookPayload | Record<string, unknown>, opts: SendOptions = {}): Promise<SendResult> {
  const encoded = encodeWebhook(payload, opts);
  const target = new URL(url);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: { accept: '*/*', 'content-length': String(encoded.body.length), ...encoded.headers, ...opts.headers },
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? -1, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', () => resolve({ status: res.statusCode ?? -1, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: -1, body: '', headers: {} }));
    req.end(encoded.body);
  });
}

/** Builds the payload for an event of the emulated server and posts it to `url`. */
export function sendEvent(url: string, pms: PlexServerFake, input: WebhookInput, opts: SendOptions = {}): Promise<SendResult> {
  return sendWebhook(url, buildWebhookPayload(pms, input), opts);
}
