import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, UA, type Harness } from './test-support.js';
import { DEFAULT_CLIENT_ID } from './world.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

/** A raw request: fetch always sends a User-Agent, node:http sends none unless told. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('Trakt emulator: required headers and account switches', () => {
  it('answers a request without User-Agent with Cloudflare\'s HTML 403', async () => {
    h = await startHarness();
    const res = await rawGet(`${h.fake.url}/sync/history`, {
      'trakt-api-key': DEFAULT_CLIENT_ID,
      'trakt-api-version': '2',
      authorization: `Bearer ${h.token}`,
    });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers.server).toBe('cloudflare');
    expect(res.headers['cf-ray']).toMatch(/^[0-9a-f]{16}-[A-Z]{3}$/);
    expect(res.body).toContain('Sorry, you have been blocked');
    // The same request with a User-Agent gets through.
    const ok = await rawGet(`${h.fake.url}/sync/history`, {
      'user-agent': UA,
      'trakt-api-key': DEFAULT_CLIENT_ID,
      'trakt-api-version': '2',
      authorization: `Bearer ${h.token}`,
    });
    expect(ok.status).toBe(200);
  });

  it('treats Node\'s default User-Agent as none unless told otherwise', async () => {
    h = await startHarness();
    const nodeDefault = await fetch(`${h.fake.url}/search/imdb/tt9000101`, {
      headers: { 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2' },
    });
    expect(nodeDefault.status).toBe(403);
    expect(nodeDefault.headers.get('server')).toBe('cloudflare');
    await h.fake.stop();
    h = await startHarness({ blockDefaultUserAgent: false });
    const allowed = await fetch(`${h.fake.url}/search/imdb/tt9000101`, {
      headers: { 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2' },
    });
    expect(allowed.status).toBe(200);
  });

  it('refuses an unknown API key with a bodiless 403 and a missing API version with 400', async () => {
    h = await startHarness();
    const bad = await h.call('/sync/history', { headers: { 'trakt-api-key': 'nope' } });
    expect(bad.status).toBe(403);
    expect(await bad.text()).toBe('');
    expect(bad.headers.get('content-type')).toBeNull();
    const noVersion = await h.call('/sync/history', { headers: { 'trakt-api-version': '' } });
    expect(noVersion.status).toBe(400);
  });

  it('needs a valid bearer on /sync, /scrobble, /users/settings and every POST; search works without one', async () => {
    h = await startHarness();
    for (const path of ['/sync/history', '/sync/watched/movies', '/users/settings', '/sync/last_activities']) {
      expect((await h.call(path, { token: null })).status, path).toBe(401);
      expect((await h.call(path, { token: 'not-a-token' })).status, path).toBe(401);
    }
    const post = await h.call('/scrobble/start', { body: { movie: { ids: { trakt: 101 } }, progress: 5 }, token: null });
    expect(post.status).toBe(401);
    expect(post.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await h.call('/search/imdb/tt9000101', { token: null })).status).toBe(200);
    expect((await h.call('/users/settings')).status).toBe(200);
  });

  it('answers an expired access token with 401', async () => {
    h = await startHarness({ tokenLifetimeSec: 3600 });
    expect((await h.call('/sync/last_activities')).status).toBe(200);
    h.clock.advance(3600_000);
    const res = await h.call('/sync/last_activities');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('wants application/json on writes (412), and knows unknown paths (404) and wrong verbs (405)', async () => {
    h = await startHarness();
    const text = await fetch(`${h.fake.url}/sync/history`, {
      method: 'POST',
      headers: { 'user-agent': UA, 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2', authorization: `Bearer ${h.token}` },
      body: '{"movies":[]}',
    });
    expect(text.status).toBe(412);
    expect((await h.call('/sync/nothing-here')).status).toBe(404);
    expect((await h.call('/sync/last_activities', { method: 'DELETE' })).status).toBe(405);
  });

  it('answers 423 for a locked account, 420 over the account limit and 426 where VIP is needed', async () => {
    h = await startHarness();
    h.fake.setLocked('alice', { deactivated: false });
    const locked = await h.call('/sync/history');
    expect(locked.status).toBe(423);
    expect(locked.headers.get('x-account-locked')).toBe('true');
    expect(locked.headers.get('x-account-deactivated')).toBe('false');
    h.fake.setLocked('alice', null);

    h.fake.setAccountLimit('alice', 100_000);
    const over = await h.call('/sync/history', { body: { movies: [{ ids: { trakt: 101 } }] } });
    expect(over.status).toBe(420);
    expect(over.headers.get('x-account-limit')).toBe('100000');
    expect(over.headers.get('x-vip-user')).toBe('false');
    expect(over.headers.get('x-upgrade-url')).toBe('https://trakt.tv/vip');
    expect(h.fake.plays('alice')).toHaveLength(0);
    // Reads stay allowed on an over-limit account.
    expect((await h.call('/sync/history')).status).toBe(200);
    h.fake.setAccountLimit('alice', null);

    h.fake.setVipOnly('/sync/ratings');
    const vip = await h.call('/sync/ratings/movies');
    expect(vip.status).toBe(426);
    expect(vip.headers.get('x-upgrade-url')).toBe('https://trakt.tv/vip');
    h.fake.user('alice').vip = true;
    expect((await h.call('/sync/ratings/movies')).status).toBe(200);
  });

  it('serves under a path prefix only, so a client that drops the base path finds out', async () => {
    h = await startHarness({ pathPrefix: '/trakt/' });
    expect(h.fake.url).toBe(`${h.fake.server.url}/trakt`);
    expect((await h.call('/sync/last_activities')).status).toBe(200);
    const rootless = await fetch(`${h.fake.server.url}/sync/last_activities`, {
      headers: { 'user-agent': UA, 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2', authorization: `Bearer ${h.token}` },
    });
    expect(rootless.status).toBe(404);
    const code = await h.call('/oauth/device/code', { body: { client_id: DEFAULT_CLIENT_ID } });
    expect((await code.json()).verification_url).toBe(`${h.fake.url}/activate`);
  });

  it('lets the kit inject faults in front of the emulator and counts requests by kind', async () => {
    h = await startHarness();
    h.fake.server.inject('/sync/history', { kind: 'status', status: 503 }, 1);
    expect((await h.call('/sync/history')).status).toBe(503);
    expect((await h.call('/sync/history')).status).toBe(200);
    await h.call('/sync/history?page=2');
    expect(h.fake.countOf('GET /sync/history')).toBe(2); // the injected answer never reached the emulator
    expect(h.fake.server.received('/sync/history')).toHaveLength(3);
  });
});
