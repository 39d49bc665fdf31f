import { afterEach, describe, expect, it } from 'vitest';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('first run and sign-in', () => {
  it('sends a fresh instance to /setup and asks for the setup code from the log', async () => {
    t = await makeTestContext();
    const client = new FormClient(t.app);
    const res = await client.get('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/setup');
    const code = t.deps.setupCode!;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);

    await client.get('/setup');
    const wrong = await client.post('/setup', { setupCode: 'WRONG123', password: 'long enough pw', confirm: 'long enough pw' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('setup code is not right');

    const mismatch = await client.post('/setup', { setupCode: code, password: 'long enough pw', confirm: 'other pw!!' });
    expect(mismatch.status).toBe(400);

    const ok = await setUpAdmin(client, code);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('/');
    const dash = await client.get('/');
    expect(dash.status).toBe(200);
    expect(await dash.text()).toContain('Dashboard');
    // The setup page is gone for good.
    expect((await new FormClient(t.app).get('/setup')).headers.get('location')).toBe('/login');
  });

  it('signs in, keeps the session cookie HttpOnly and SameSite=Lax, signs out', async () => {
    t = await makeTestContext();
    await setUpAdmin(new FormClient(t.app), t.deps.setupCode);
    const client = new FormClient(t.app);
    await client.get('/login');
    const res = await client.post('/login', { password: 'correct horse battery' });
    expect(res.status).toBe(302);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pts_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await client.get('/settings')).status).toBe(200);

    const out = await client.post('/logout', {});
    expect(out.status).toBe(302);
    expect((await client.get('/settings')).status).toBe(302);
  });

  it('refuses a wrong password and slows down repeated failures', async () => {
    t = await makeTestContext({}, { loginThrottleMs: 300 });
    await setUpAdmin(new FormClient(t.app), t.deps.setupCode);
    const client = new FormClient(t.app);
    await client.get('/login');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const res = await client.post('/login', { password: 'nope nope nope' });
      times.push(Date.now() - t0);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Wrong password');
    }
    expect(times[4]).toBeGreaterThanOrEqual(600); // 300 ms doubled after three free attempts
    expect(Math.min(...times.slice(0, 3))).toBeLessThan(times[4]! - 300); // the free attempts are not slowed (the fastest of them, robust to load)
    expect(t.logs.text()).not.toContain('nope nope nope');
  });

  it('ends an expired session', async () => {
    t = await makeTestContext({}, { sessionTtlMs: 150 });
    const client = new FormClient(t.app);
    await setUpAdmin(client, t.deps.setupCode);
    expect((await client.get('/runs')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 250));
    const res = await client.get('/runs');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fruns');
  });

  it('uses ADMIN_PASSWORD from the environment with no setup page', async () => {
    t = await makeTestContext({ ADMIN_PASSWORD: 'from-the-environment' });
    expect(t.deps.setupCode).toBeUndefined();
    const client = new FormClient(t.app);
    expect((await client.get('/setup')).headers.get('location')).toBe('/login');
    await client.get('/login');
    expect((await client.post('/login', { password: 'wrong-password' })).status).toBe(401);
    expect((await client.post('/login', { password: 'from-the-environment' })).status).toBe(302);
    expect((await client.get('/')).status).toBe(200);
    expect(t.logs.text()).not.toContain('from-the-environment');
  });

  it('tells htmx to go to the sign-in page when a fragment is asked for without a session', async () => {
    t = await makeTestContext({ ADMIN_PASSWORD: 'from-the-environment' });
    const res = await t.app.request('/runs', { headers: { 'HX-Request': 'true' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('hx-redirect')).toBe('/login');
  });
});

describe('CSRF', () => {
  it('rejects a state-changing request without the token, with a wrong one, or from another origin', async () => {
    t = await makeTestContext();
    const client = new FormClient(t.app);
    await setUpAdmin(client, t.deps.setupCode);
    await client.get('/');
    expect((await client.post('/logout', {}, { csrf: null })).status).toBe(403);
    expect((await client.post('/logout', {}, { csrf: 'x'.repeat(32) })).status).toBe(403);
    expect((await client.post('/logout', {}, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    // Still signed in after all three.
    expect((await client.get('/settings')).status).toBe(200);
    // The header form (what htmx sends) works.
    const viaHeader = await client.post('/logout', {}, { csrf: null, headers: { 'x-csrf-token': client.csrf } });
    expect(viaHeader.status).toBe(302);
  });

  it('does not apply to the API, which has its own key', async () => {
    t = await makeTestContext();
    const res = await t.app.request('/api/v1/status', { method: 'POST', headers: { 'x-api-key': t.deps.secrets.apiKey() } });
    expect(res.status).toBe(404); // reached the API router, not refused by CSRF
  });
});
