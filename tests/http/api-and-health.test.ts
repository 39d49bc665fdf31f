import { afterEach, describe, expect, it } from 'vitest';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';

let t: TestContext | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('open and API routes', () => {
  it('answers /healthz without a session while the database answers', async () => {
    t = await makeTestContext();
    const res = await t.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('requires X-Api-Key on /api/v1/*', async () => {
    t = await makeTestContext();
    expect((await t.app.request('/api/v1/status')).status).toBe(401);
    expect((await t.app.request('/api/v1/status', { headers: { 'x-api-key': 'wrong-key-wrong-key' } })).status).toBe(401);
    const res = await t.app.request('/api/v1/status', { headers: { 'x-api-key': t.deps.secrets.apiKey() } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ database: 'ok', version: expect.any(String) });
  });

  it('takes API_KEY and WEBHOOK_SECRET from the environment over generated ones', async () => {
    t = await makeTestContext({ API_KEY: 'k'.repeat(20), WEBHOOK_SECRET: 'hook_secret_from_env' });
    expect(t.deps.secrets.apiKey()).toBe('k'.repeat(20));
    expect(t.deps.secrets.webhookSecret()).toBe('hook_secret_from_env');
    await expect(t.deps.secrets.regenerateApiKey()).rejects.toThrow(/API_KEY is set in the environment/);
  });

  it('generates the secrets once and keeps them across restarts', async () => {
    t = await makeTestContext();
    const key = t.deps.secrets.apiKey();
    expect(key.length).toBeGreaterThanOrEqual(24);
    expect(t.deps.secrets.webhookSecret()).not.toBe(key);
  });

  it('serves htmx and the CSS from the project, never a CDN', async () => {
    t = await makeTestContext();
    const js = await t.app.request('/static/htmx.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    const client = new FormClient(t.app);
    await setUpAdmin(client, t.deps.setupCode);
    const html = await (await client.get('/')).text();
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs|jsdelivr)/);
    expect(html).toContain('/static/htmx.js');
  });

  it('keeps the layout on 404 pages and answers JSON 404s under /api', async () => {
    t = await makeTestContext();
    const client = new FormClient(t.app);
    await setUpAdmin(client, t.deps.setupCode);
    const res = await client.get('/no/such/page');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('Page not found');
    expect(html).toContain('Webhook events'); // navigation of the layout
    const api = await t.app.request('/api/v1/nothing', { headers: { 'x-api-key': t.deps.secrets.apiKey() } });
    expect(api.status).toBe(404);
  });

  it('sends secure headers', async () => {
    t = await makeTestContext();
    const res = await t.app.request('/login');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
