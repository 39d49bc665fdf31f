import { afterEach, describe, expect, it } from 'vitest';
import { fetchJson, startHarness, UA, type Harness } from './test-support.js';
import { DEFAULT_CLIENT_ID as CLIENT_ID, DEFAULT_CLIENT_SECRET as SECRET } from './world.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

const post = (path: string, body: unknown) =>
  fetchJson(`${h.fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': UA },
    body: JSON.stringify(body),
  });

async function deviceCode() {
  const res = await post('/oauth/device/code', { client_id: CLIENT_ID });
  expect(res.status).toBe(200);
  return (await res.json()) as { device_code: string; user_code: string; verification_url: string; expires_in: number; interval: number };
}

const poll = (code: string, secret = SECRET) => post('/oauth/device/token', { code, client_id: CLIENT_ID, client_secret: secret });

describe('Trakt emulator: device flow', () => {
  it('walks pending → slow down → approved → already used, with a verification URL on itself', async () => {
    h = await startHarness();
    const code = await deviceCode();
    expect(code).toMatchObject({ expires_in: 600, interval: 5 });
    expect(code.user_code).toMatch(/^[0-9A-F]{8}$/);
    expect(code.verification_url).toBe(`${h.fake.url}/activate`);

    const pending = await poll(code.device_code);
    expect(pending.status).toBe(400);
    expect(await pending.text()).toBe('');
    h.clock.advance(2_000);
    expect((await poll(code.device_code)).status).toBe(429); // faster than `interval`
    h.clock.advance(5_000);
    expect((await poll(code.device_code)).status).toBe(400);

    expect(h.fake.approveDevice(code.user_code, 'alice')).toBe(true);
    h.clock.advance(5_000);
    const ok = await poll(code.device_code);
    expect(ok.status).toBe(200);
    const token = await ok.json();
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 7 * 24 * 3600, scope: 'public', created_at: Math.floor(h.clock.now() / 1000) });
    expect(token.access_token).toMatch(/^[0-9a-f]{64}$/);
    const settings = await h.call('/users/settings', { token: token.access_token });
    expect((await settings.json()).user.username).toBe('alice');

    h.clock.advance(5_000);
    expect((await poll(code.device_code)).status).toBe(409);
  });

  it('answers 404 for an unknown code, 418 when denied, 410 once expired and 401 for a wrong secret', async () => {
    h = await startHarness();
    expect((await poll('no-such-code')).status).toBe(404);
    const denied = await deviceCode();
    expect(h.fake.denyDevice(denied.user_code)).toBe(true);
    expect((await poll(denied.device_code)).status).toBe(418);
    const late = await deviceCode();
    expect((await poll(late.device_code, 'wrong')).status).toBe(401);
    h.clock.advance(600_000);
    expect((await poll(late.device_code)).status).toBe(410);
    expect(h.fake.approveDevice(late.user_code)).toBe(false);
  });

  it('serves an /activate page whose form approves the code for the chosen user', async () => {
    h = await startHarness({ users: [{ username: 'alice' }, { username: 'bob' }] });
    const code = await deviceCode();
    const page = await fetchJson(`${h.fake.url}/activate?code=${code.user_code}`, { headers: { 'user-agent': UA } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(`value="${code.user_code}"`);
    expect(html).toMatch(/<option value="bob">/);
    expect(html).toContain('id="approve"');
    expect(html).toContain('id="deny"');

    const submit = await fetchJson(`${h.fake.url}/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      body: new URLSearchParams({ code: code.user_code.toLowerCase(), username: 'bob', decision: 'approve' }).toString(),
    });
    expect(submit.status).toBe(200);
    expect(await submit.text()).toContain('data-decision="approved"');
    const token = await (await poll(code.device_code)).json();
    const settings = await (await h.call('/users/settings', { token: token.access_token })).json();
    expect(settings.user.username).toBe('bob');

    const again = await fetchJson(`${h.fake.url}/activate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      body: new URLSearchParams({ code: code.user_code, decision: 'deny' }).toString(),
    });
    expect(again.status).toBe(404);
  });

  it('approves the newest pending code through the control route (for the demo process)', async () => {
    h = await startHarness();
    const code = await deviceCode();
    const pending = await (await fetchJson(`${h.fake.url}/__control/pending-devices`, { method: 'POST' })).json();
    expect(pending).toEqual([expect.objectContaining({ userCode: code.user_code })]);
    const res = await fetchJson(`${h.fake.url}/__control/approve-device`, { method: 'POST', body: '{}' });
    expect(await res.json()).toEqual({ ok: true });
    expect((await poll(code.device_code)).status).toBe(200);
  });
});

describe('Trakt emulator: refresh and revoke', () => {
  const refresh = (refresh_token: string, secret = SECRET) =>
    post('/oauth/token', { refresh_token, client_id: CLIENT_ID, client_secret: secret, redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', grant_type: 'refresh_token' });

  it('rotates single-use refresh tokens: the old refresh token gets 400 invalid_grant, the old access token 401', async () => {
    h = await startHarness();
    const first = h.fake.issueToken('alice');
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    const second = await res.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await h.call('/sync/last_activities', { token: first.access_token })).status).toBe(401);
    expect((await h.call('/sync/last_activities', { token: second.access_token })).status).toBe(200);

    const wrongSecret = await refresh(second.refresh_token, 'wrong');
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    expect((await refresh(second.refresh_token)).status).toBe(200); // a refused attempt did not spend it
  });

  it('keeps refresh working after access tokens are expired, and revoke kills a token', async () => {
    h = await startHarness();
    const pair = h.fake.issueToken('alice');
    expect(h.fake.expireAccessTokens('alice')).toBeGreaterThanOrEqual(1);
    expect((await h.call('/sync/last_activities', { token: pair.access_token })).status).toBe(401);
    const fresh = await (await refresh(pair.refresh_token)).json();
    expect((await h.call('/sync/last_activities', { token: fresh.access_token })).status).toBe(200);

    const revoke = await post('/oauth/revoke', { token: fresh.access_token, client_id: CLIENT_ID, client_secret: SECRET });
    expect(revoke.status).toBe(200);
    expect((await h.call('/sync/last_activities', { token: fresh.access_token })).status).toBe(401);
    expect((await refresh(fresh.refresh_token)).status).toBe(400);
  });
});
