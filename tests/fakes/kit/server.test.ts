import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer } from './server.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function echoServer(): Promise<FakeServer> {
  server = new FakeServer({
    name: 'echo',
    handle: (req) => ({ status: 200, body: { path: req.path, got: req.json ?? null } }),
    control: { hello: (body) => ({ hi: body.name }) },
  });
  await server.start();
  return server;
}

describe('FakeServer kit', () => {
  it('answers on loopback, parses JSON bodies and logs requests', async () => {
    const s = await echoServer();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${s.url}/a/b?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 1 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/a/b', got: { n: 1 } });
    expect(s.received('/a', 'POST')).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({ query: '?x=1', status: 200 });
  });

  it('injects a status for the next N requests to a path, then recovers', async () => {
    const s = await echoServer();
    s.inject('/x', { kind: 'status', status: 429, headers: { 'retry-after': '2' } }, 2);
    const a = await fetch(`${s.url}/x/1`);
    const b = await fetch(`${s.url}/x/2`);
    const c = await fetch(`${s.url}/x/3`);
    const other = await fetch(`${s.url}/y`);
    expect([a.status, b.status, c.status, other.status]).toEqual([429, 429, 200, 200]);
    expect(a.headers.get('retry-after')).toBe('2');
  });

  it('drops a connection and holds one open until a client gives up', async () => {
    const s = await echoServer();
    s.inject('/drop', { kind: 'drop' });
    await expect(fetch(`${s.url}/drop`)).rejects.toThrow();
    s.inject('/slow', { kind: 'timeout' });
    await expect(fetch(`${s.url}/slow`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await fetch(`${s.url}/slow`)).status).toBe(200);
  });

  it('serves control actions without logging them', async () => {
    const s = await echoServer();
    const res = await fetch(`${s.url}/__control/hello`, { method: 'POST', body: '{"name":"plex"}' });
    expect(await res.json()).toEqual({ hi: 'plex' });
    await fetch(`${s.url}/__control/latency`, { method: 'POST', body: '{"ms":60}' });
    const t0 = Date.now();
    await fetch(`${s.url}/z`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    expect(s.requests.map((r) => r.path)).toEqual(['/z']);
  });
});
