import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

const add = () => h.call('/sync/history', { body: { movies: [{ ids: { trakt: 101 } }] } });

describe('Trakt emulator: rate limits and the 5-minute lockout', () => {
  it('allows one write per second; a second one trips the limit and locks every call for 5 minutes', async () => {
    h = await startHarness({ rateLimits: {} });
    expect((await add()).status).toBe(201);
    h.clock.advance(1_000);
    expect((await add()).status).toBe(201);
    h.clock.advance(400);
    const tripped = await add();
    expect(tripped.status).toBe(429);
    expect(tripped.headers.get('retry-after')).toBe('300');
    const info = JSON.parse(tripped.headers.get('x-ratelimit')!);
    expect(info).toMatchObject({ name: 'AUTHED_API_POST_LIMIT', period: 1, limit: 1, remaining: 0 });
    expect(Date.parse(info.until) - h.clock.now()).toBeGreaterThanOrEqual(300_000);

    // Locked: GETs too, even well after the one-second window.
    h.clock.advance(60_000);
    const locked = await h.call('/sync/last_activities');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('240');
    h.clock.advance(240_000);
    expect((await h.call('/sync/last_activities')).status).toBe(200);
    expect(h.fake.rateLimited('alice')).toBe(2);
    expect(h.fake.plays('alice')).toHaveLength(2);
  });

  it('allows 1,000 GETs per 5 minutes per user (sliding), then locks', async () => {
    h = await startHarness({ rateLimits: {} });
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const res = await h.call('/sync/last_activities');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (i % 100 === 99) h.clock.advance(20_000); // 1,000 calls spread over 200 s
    }
    expect(statuses).toEqual(new Map([[200, 1000]]));
    const over = await h.call('/sync/last_activities');
    expect(over.status).toBe(429);
    expect(JSON.parse(over.headers.get('x-ratelimit')!)).toMatchObject({ name: 'AUTHED_API_GET_LIMIT', limit: 1000, period: 300 });
    // Another user has a budget of their own.
    h.fake.addUser({ username: 'bob' });
    const bob = h.fake.issueToken('bob').access_token;
    expect((await h.call('/sync/last_activities', { token: bob })).status).toBe(200);
  });

  it('limits unauthenticated GETs per app, and is configurable, switchable off and resettable', async () => {
    h = await startHarness({ rateLimits: { getLimit: 3, lockoutSec: 0 } });
    const search = () => h.call('/search/imdb/tt9000101', { token: null });
    for (let i = 0; i < 3; i++) expect((await search()).status).toBe(200);
    const over = await search();
    expect(over.status).toBe(429);
    expect(JSON.parse(over.headers.get('x-ratelimit')!).name).toBe('UNAUTHED_API_GET_LIMIT');
    expect(over.headers.get('retry-after')).toBe('300'); // no lockout: until the oldest call leaves the window
    expect(h.fake.rateLimited()).toBe(1);
    expect(h.fake.rateLimited('alice')).toBe(0);
    // The user's own budget is separate from the app's.
    expect((await h.call('/sync/last_activities')).status).toBe(200);

    const reset = await fetch(`${h.fake.url}/__control/reset-limits`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect((await search()).status).toBe(200);

    h.fake.setRateLimits(false);
    for (let i = 0; i < 10; i++) expect((await add()).status).toBe(201);
    expect(h.fake.rateLimited()).toBe(1);
  });
});
