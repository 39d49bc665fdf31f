/**
 * A small fetch for JSON APIs, over node:http/https with keep-alive agents. Node's global
 * fetch (undici and web streams) costs about a millisecond of CPU per request, paid on the
 * thread that also acknowledges Plex's webhooks; this does the same exchange for a fraction
 * (`npm run bench -- webhooks`). It sends what it is given, reads the whole body, decodes
 * gzip/deflate/br, follows redirects as fetch does, honours an AbortSignal, and fails like
 * fetch (TypeError "fetch failed" with the cause) when there is no answer.
 *
 * A request on a kept-alive socket that the server had just closed fails before any answer;
 * only GET and HEAD are then sent again on a new socket. A write never is: whether it
 * reached the server is unknown, and the callers decide (the Trakt client probes history).
 */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export interface LightInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** What callers read from an answer: a subset of fetch's Response. */
export interface ResponseLike {
  status: number;
  headers: Headers;
  url: string;
  text(): Promise<string>;
}

/** Idle sockets close after this, before common servers' own keep-alive limits (Node's is 5 s). */
export const IDLE_SOCKET_MS = 4_000;
const MAX_REDIRECTS = 5;

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' }),
};

const decoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

interface Raw {
  status: number;
  headers: Headers;
  body: Buffer;
}

function once(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined, retried = false): Promise<Raw> {
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(fetchFailed(new Error(`unsupported protocol ${url.protocol}`)));
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<Raw>((resolve, reject) => {
    let settled = false;
    /** Ends this exchange once: the first outcome wins, and the abort listener goes. */
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (err: unknown) => {
      if (finish()) reject(err);
    };
    const onAbort = () => {
      req.destroy();
      fail(abortReason(signal!));
    };
    const req = mod.request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => fail(fetchFailed(err)));
      res.on('close', () => {
        if (!res.complete) fail(fetchFailed(new Error('the connection closed before the whole answer came')));
      });
      res.on('end', () => {
        if (settled) return;
        const h = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
        const buf = Buffer.concat(chunks);
        const decode = decoders[(h.get('content-encoding') ?? '').trim().toLowerCase()];
        const done = (b: Buffer) => {
          if (finish()) resolve({ status: res.statusCode ?? 0, headers: h, body: b });
        };
        if (!decode || buf.length === 0) return done(buf);
        decode(buf).then(done, (err: unknown) => fail(fetchFailed(err)));
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      // The server closed an idle kept-alive socket as we reused it: nothing was answered, and
      // for a read nothing can have changed, so it goes once more on a new socket.
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      if (stale && !retried && (method === 'GET' || method === 'HEAD') && !signal?.aborted) {
        if (finish()) once(url, method, headers, body, signal, true).then(resolve, reject);
        return;
      }
      fail(fetchFailed(err));
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

export async function lightFetch(input: string, init: LightInit = {}): Promise<ResponseLike> {
  let url = new URL(input);
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body;
  let headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...lower(init.headers ?? {}) };
  for (let hop = 0; ; hop++) {
    const sent = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const raw = await once(url, method, sent, body, init.signal);
    const location = raw.headers.get('location');
    if (![301, 302, 303, 307, 308].includes(raw.status) || !location || hop >= MAX_REDIRECTS) {
      const text = raw.body.toString('utf8');
      return { status: raw.status, headers: raw.headers, url: url.href, text: async () => text };
    }
    const next = new URL(location, url);
    if (raw.status !== 307 && raw.status !== 308 && method !== 'GET' && method !== 'HEAD') {
      method = 'GET'; // as fetch does for 301/302/303 after a write
      body = undefined;
      const { 'content-type': _dropped, ...rest } = headers;
      headers = rest;
    }
    if (next.origin !== url.origin) {
      const { authorization: _secret, ...rest } = headers; // never carry a token to another host
      headers = rest;
    }
    url = next;
  }
}

function lower(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}
