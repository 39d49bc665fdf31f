/**
 * Every route the app registers needs a dashboard session, or the API key, or is on the
 * short allow list. New routes are covered automatically: they are read from the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestContext({ ADMIN_PASSWORD: 'coverage-password' });
});
afterAll(async () => t?.close());

/** Routes anyone may reach, each with the reason. */
const ALLOW = [
  { path: /^\/healthz$/, why: 'health check' },
  { path: /^\/metrics$/, why: 'Prometheus scrape, counts only' },
  { path: /^\/static\//, why: 'static assets' },
  { path: /^\/favicon\.ico$/, why: 'icon' },
  { path: /^\/(login|setup|logout)$/, why: 'signing in and out' },
];

function concrete(path: string): string {
  return path
    .replace(/:secret\b/, 'not-the-secret')
    .replace(/:[A-Za-z_]+(\{[^}]*\})?/g, '1')
    .replace(/\*$/, 'x');
}

function routes() {
  const seen = new Set<string>();
  return t.app.routes
    .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*') && r.path !== '/*')
    .map((r) => ({ method: r.method, path: r.path }))
    .filter((r) => {
      const k = `${r.method} ${r.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

const CSRF = 'c'.repeat(32);

describe('auth coverage', () => {
  it('finds the routes of every feature', () => {
    const paths = routes().map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['/', '/logs', '/api/v1/status', '/healthz', '/login']));
  });

  it('refuses every non-public route without a session or API key', async () => {
    const leaks: string[] = [];
    for (const r of routes()) {
      const path = concrete(r.path);
      if (ALLOW.some((a) => a.path.test(path))) continue;
      // A valid CSRF pair, so that a refusal below is the session's doing, not CSRF's.
      const res = await t.app.request(`http://localhost${path}`, {
        method: r.method,
        headers: { cookie: `pts_csrf=${CSRF}`, 'x-csrf-token': CSRF, 'content-type': 'application/x-www-form-urlencoded' },
        body: r.method === 'GET' || r.method === 'HEAD' ? undefined : '',
        redirect: 'manual',
      });
      const body = res.status === 302 ? '' : await res.text();
      const refused =
        res.status === 401 ||
        (res.status === 302 && /^\/(login|setup)/.test(res.headers.get('location') ?? ''));
      if (!refused) leaks.push(`${r.method} ${r.path} → ${res.status} ${body.slice(0, 80)}`);
    }
    expect(leaks).toEqual([]);
  });

  it('refuses the webhook with a wrong secret', async () => {
    const hooks = routes().filter((r) => r.path.startsWith('/webhooks/'));
    for (const r of hooks) {
      const res = await t.app.request(`http://localhost${concrete(r.path)}`, { method: r.method, body: 'x' });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('refuses the API with a wrong key', async () => {
    for (const r of routes().filter((x) => x.path.startsWith('/api/v1/'))) {
      const res = await t.app.request(`http://localhost${concrete(r.path)}`, { method: r.method, headers: { 'x-api-key': 'wrong-wrong-wrong-wrong' } });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('rejects CSRF on every state-changing dashboard route', async () => {
    const unsafe = routes().filter(
      (r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !/^\/(webhooks|api)\//.test(r.path),
    );
    expect(unsafe.length).toBeGreaterThan(0);
    // Signed in (the session is checked before CSRF), but no CSRF token.
    const client = new FormClient(t.app);
    await client.get('/login');
    expect((await client.post('/login', { password: 'coverage-password' })).status).toBe(302);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    for (const r of unsafe) {
      const res = await t.app.request(`http://localhost${concrete(r.path)}`, { method: r.method, redirect: 'manual', headers: { cookie } });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
    }
  });
});
