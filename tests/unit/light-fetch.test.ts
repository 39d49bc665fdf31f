/**
 * lightFetch, the Trakt client's transport, against a real server on loopback: bodies and
 * headers as sent, compressed answers, redirects (a token never follows to another host),
 * time limits, a cut-off answer, sockets kept alive, and a kept-alive socket the server
 * closed (a read goes again on a new socket; a write fails and is never sent twice).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_SOCKET_MS, lightFetch } from '../../src/net/light-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: number;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function server(handler: Handler) {
  const seen: Seen[] = [];
  const sockets = new WeakMap<object, number>();
  let nextSocket = 0;
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, ++nextSocket);
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: sockets.get(req.socket)! });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    server: s,
    close: () => new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('lightFetch', () => {
  let a: Awaited<ReturnType<typeof server>>;
  let b: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    b = await server((req, res) => json(res, 200, { host: 'b', auth: req.headers.authorization ?? null }));
    a = await server((req, res, body) => {
      const path = req.url!;
      if (path === '/echo') return json(res, 201, { method: req.method, body: JSON.parse(body || 'null') }, { 'x-pagination-page-count': '7' });
      if (path === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(JSON.stringify({ packed: 'gzip' })));
      }
      if (path === '/br') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
        return res.end(zlib.brotliCompressSync(JSON.stringify({ packed: 'br' })));
      }
      if (path === '/moved') return json(res, 301, {}, { location: '/echo' });
      if (path === '/temporary') return json(res, 307, {}, { location: '/echo' });
      if (path === '/elsewhere') return json(res, 302, {}, { location: `${b.url}/whoami` });
      if (path === '/loop') return json(res, 302, {}, { location: '/loop' });
      if (path === '/slow') return void setTimeout(() => json(res, 200, { late: true }), 400);
      if (path === '/cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"half":');
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      json(res, 200, { path });
    });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('sends the method, headers and body, and answers status, headers and text', async () => {
    const res = await lightFetch(`${a.url}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'trakt-api-version': '2' }, body: JSON.stringify({ é: 'ü' }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-pagination-page-count')).toBe('7');
    expect(JSON.parse(await res.text())).toEqual({ method: 'POST', body: { é: 'ü' } });
    const seen = a.seen.at(-1)!;
    expect(seen.headers['trakt-api-version']).toBe('2');
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify({ é: 'ü' }))));
    expect(seen.headers['accept-encoding']).toContain('gzip');
  });

  it('decodes gzip and brotli answers', async () => {
    expect(JSON.parse(await (await lightFetch(`${a.url}/gzip`)).text())).toEqual({ packed: 'gzip' });
    expect(JSON.parse(await (await lightFetch(`${a.url}/br`)).text())).toEqual({ packed: 'br' });
  });

  it('keeps sockets alive between requests', async () => {
    const before = a.seen.length;
    for (let i = 0; i < 5; i++) await (await lightFetch(`${a.url}/n${i}`)).text();
    const used = new Set(a.seen.slice(before).map((s) => s.socket));
    expect(used.size).toBe(1);
  });

  it('follows redirects as fetch does: a write after 301 becomes a read, 307 keeps the write', async () => {
    const moved = await lightFetch(`${a.url}/moved`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
    expect(JSON.parse(await moved.text())).toEqual({ method: 'GET', body: null });
    const kept = await lightFetch(`${a.url}/temporary`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
    expect(JSON.parse(await kept.text())).toEqual({ method: 'POST', body: { x: 1 } });
    expect(kept.url).toBe(`${a.url}/echo`);
  });

  it('never carries the token to another host, and stops a redirect loop', async () => {
    const res = await lightFetch(`${a.url}/elsewhere`, { headers: { authorization: 'Bearer secret-token' } });
    expect(JSON.parse(await res.text())).toEqual({ host: 'b', auth: null });
    const loop = await lightFetch(`${a.url}/loop`);
    expect(loop.status).toBe(302);
  });

  it('gives up when the signal fires, with the signal\'s reason', async () => {
    const signal = AbortSignal.timeout(100);
    const t0 = Date.now();
    await expect(lightFetch(`${a.url}/slow`, { signal })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - t0).toBeLessThan(350);
    expect(signal.aborted).toBe(true);
  });

  it('fails like fetch when nobody listens or the answer is cut off', async () => {
    const closed = await server(() => undefined);
    const port = new URL(closed.url).port;
    await closed.close();
    const refused = await lightFetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).message).toBe('fetch failed');
    expect(((refused as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    await expect(lightFetch(`${a.url}/cut`)).rejects.toThrow('fetch failed');
  });

  it('sends a read again on a new socket when the kept-alive one was closed, never a write', async () => {
    const raw = await droppingServer();
    try {
      // Each socket answers its first request and drops the second: what a server that closed
      // an idle kept-alive socket looks like to the client that just reused it.
      await (await lightFetch(`${raw.url}/warm`)).text();
      const read = await lightFetch(`${raw.url}/read`);
      expect(JSON.parse(await read.text())).toEqual({ n: 1, path: '/read' });
      expect(raw.requests.filter((r) => r === 'GET /read')).toHaveLength(2); // dropped once, answered on a new socket

      const write = await lightFetch(`${raw.url}/write`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
      expect(write).toBeInstanceOf(TypeError);
      expect((write as TypeError).message).toBe('fetch failed');
      expect(raw.requests.filter((r) => r === 'POST /write')).toHaveLength(1); // never sent twice
    } finally {
      await raw.close();
    }
  });

  it('closes idle sockets before common servers do (Node closes them after 5 s)', async () => {
    await (await lightFetch(`${a.url}/idle`)).text();
    const open = () => new Promise<number>((r) => a.server.getConnections((_e, n) => r(n)));
    expect(await open()).toBeGreaterThan(0);
    expect(IDLE_SOCKET_MS).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, IDLE_SOCKET_MS + 400));
    expect(await open()).toBe(0);
  }, 10_000);
});

/** A bare HTTP/1.1 server: per socket, answers the first request (kept alive) and resets on the second. */
async function droppingServer() {
  const requests: string[] = [];
  const s = net.createServer((socket) => {
    let buf = '';
    let count = 0;
    socket.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        buf = buf.slice(end + 4 + length);
        const [method, path] = head.split(' ');
        requests.push(`${method} ${path}`);
        if (++count > 1) return void socket.resetAndDestroy();
        const body = JSON.stringify({ n: 1, path });
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}
