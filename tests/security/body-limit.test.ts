/**
 * Large bodies against the real service on loopback: a dashboard route refuses one with 413
 * before the session is checked and before anything parses it, whether its length is declared
 * or it comes chunked, and the process's memory stays flat; the webhook route keeps its own
 * (larger) limits. Without a session, nothing parses a form (the session is checked first).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';
import { LoopbackClient, rawRequest, rssMb } from '../helpers/loopback-client.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';

const SECRET = 'body-limit-webhook-secret';
const MB = 1024 * 1024;
let svc: ChildService;
beforeAll(async () => {
  svc = await startChildService({ DATA_DIR: tempDir('pts-body-'), ADMIN_PASSWORD: 'body-limit-password', WEBHOOK_SECRET: SECRET });
}, 60_000);
afterAll(async () => svc?.kill('SIGTERM'));

/**
 * Streams `total` bytes of a URL-encoded form (chunked, or with the length declared up front)
 * and resolves with the answer's status, or -1 when the server closed without one. Stops
 * writing as soon as an answer arrives.
 */
function streamForm(path: string, total: number, declared: boolean, headers: Record<string, string> = {}): Promise<{ status: number; sentMb: number; text: string }> {
  const u = new URL(svc.url + path);
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(declared ? { 'content-length': String(total) } : {}), ...headers },
      },
      (res) => {
        answered = true;
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, sentMb: sent / MB, text });
          req.destroy();
        });
        res.on('error', () => resolve({ status: res.statusCode ?? -1, sentMb: sent / MB, text }));
      },
    );
    req.on('error', () => {
      if (!answered) resolve({ status: -1, sentMb: sent / MB, text: '' });
    });
    // A declared length is answered from the headers alone: nothing is written until an answer that
    // never comes (writing races the server's early 413 and its close, which the client sees as EPIPE).
    if (declared) return void req.flushHeaders();
    const chunk = Buffer.alloc(MB, 'a');
    chunk.write('field=', 0);
    const pump = () => {
      while (!answered && sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('body size', () => {
  it('a 128 MB chunked form to a dashboard route without a session: 413 at once, memory flat', async () => {
    const before = await rssMb(svc.proc.pid!);
    const res = await streamForm('/settings/sync', 128 * MB, false);
    const after = await rssMb(svc.proc.pid!);
    console.info(`[body] chunked 128 MB: status ${res.status}, client sent ${res.sentMb.toFixed(0)} MB, server RSS ${before} -> ${after} MB`);
    expect(res.status).toBe(413);
    expect(res.text).toContain('larger than 16 KB');
    expect(after - before).toBeLessThan(40);
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('a declared 1 GB body is refused from its Content-Length, before it is sent', async () => {
    const before = await rssMb(svc.proc.pid!);
    const res = await streamForm('/login', 1024 * MB, true);
    const after = await rssMb(svc.proc.pid!);
    console.info(`[body] declared 1 GB: status ${res.status}, client sent ${res.sentMb.toFixed(0)} MB, server RSS ${before} -> ${after} MB`);
    expect(res.status).toBe(413);
    expect(res.sentMb).toBeLessThan(512);
    expect(after - before).toBeLessThan(40);
  }, 60_000);

  it('applies with a session too (20 KB to a settings form), and not to the webhook, which has its own limits', async () => {
    const client = new LoopbackClient(svc.url);
    await client.get('/login');
    expect((await client.post('/login', { password: 'body-limit-password' })).status).toBe(302);
    await client.get('/runs');
    const big = await client.post('/settings/sync', { note: 'x'.repeat(20 * 1024) });
    expect(big.status).toBe(413);
    // 100 KB of webhook payload is within the webhook's own 256 KB limit.
    const payload = JSON.stringify({ ...modernMovie(), padding: 'p'.repeat(100 * 1024) });
    const hook = await rawRequest(`${svc.url}/webhooks/plex/${SECRET}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    expect(hook.status).toBe(200);
  }, 60_000);

  it('without a session a form is not parsed: an unreadable multipart body is "sign in first", not a CSRF refusal', async () => {
    const res = await rawRequest(`${svc.url}/settings/sync`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=nothing-follows', cookie: 'pts_csrf=cccccccccccccccccccccccccccccccc' },
      body: 'this is not multipart',
    });
    expect(res.status).toBe(401);
    expect(res.text).toBe('Sign in first.');
  });
});
