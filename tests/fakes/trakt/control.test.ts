import { afterEach, describe, expect, it } from 'vitest';
import { fetchJson, startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

const control = async (action: string, body: unknown = {}) => {
  const res = await fetchJson(`${h.fake.url}/__control/${action}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, action).toBe(200);
  return res.json();
};

describe('Trakt emulator: /__control actions for another process', () => {
  it('issues and expires tokens, flips account switches and reports stats and plays', async () => {
    h = await startHarness();
    const pair = await control('issue-token', { username: 'alice' });
    expect(pair).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) });
    expect((await h.call('/users/settings', { token: pair.access_token })).status).toBe(200);

    expect(await control('expire-tokens', { username: 'alice' })).toEqual({ expired: 2 });
    expect((await h.call('/users/settings', { token: pair.access_token })).status).toBe(401);
    const fresh = h.fake.issueToken('alice').access_token;

    await control('account-switches', { username: 'alice', locked: true });
    expect((await h.call('/sync/history', { token: fresh })).status).toBe(423);
    await control('account-switches', { username: 'alice', locked: false });

    await h.call('/sync/history', { token: fresh, body: { movies: [{ ids: { trakt: 101 }, watched_at: '2024-01-01T00:00:00Z' }] } });
    const plays = await control('plays', { username: 'alice' });
    expect(plays).toEqual([expect.objectContaining({ type: 'movie', trakt: 101, watched_at: '2024-01-01T00:00:00.000Z' })]);
    const stats = await control('stats');
    expect(stats).toMatchObject({ rateLimited: 0, users: { alice: { plays: 1, ratings: 0, playback: 0 } } });
    expect(stats.requests['POST /sync/history']).toBe(1);
    expect(stats.requests['GET /sync/history']).toBe(1); // the 423 one: refused requests count too
  });

  it('answers a failing action with 400 and the reason', async () => {
    h = await startHarness();
    const res = await fetch(`${h.fake.url}/__control/approve-device`, { method: 'POST', body: JSON.stringify({ username: 'nobody' }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('no user nobody');
  });

  it('turns rate limits on and off', async () => {
    h = await startHarness();
    await control('rate-limits', { writeLimit: 1, writePeriodSec: 1, lockoutSec: 300 });
    const add = () => h.call('/sync/history', { body: { movies: [{ ids: { trakt: 101 } }] } });
    expect((await add()).status).toBe(201);
    expect((await add()).status).toBe(429);
    await control('rate-limits', { enabled: false });
    expect((await add()).status).toBe(201);
  });
});
