import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, T0, type Harness } from './test-support.js';

let h: Harness;
const SAM = 5_551_234;
const ID = 'identifier=com.plexapp.plugins.library';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.fakes.stop());

const rk = (libKey: string) => h.fakes.pms.ratingKeyOf(libKey);
const meta = async (key: string, token?: string) => (await (await h.pms(`/library/metadata/${key}`, token ? { token } : {})).json()).MediaContainer.Metadata[0];

describe('mark watched / unwatched (API.md B.4)', () => {
  it('scrobble stamps now, counts a view, clears the position; updatedAt (the metadata\'s time) stays', async () => {
    const key = rk('movie-3'); // in progress, never watched
    const before = await meta(key);
    expect(before.viewOffset).toBe(600_000);
    expect(before.viewCount).toBeUndefined();
    h.clock.advance(60_000);
    const now = Math.floor(h.clock.now() / 1000);
    expect((await h.pms(`/:/scrobble?key=${key}&${ID}`, { method: 'PUT' })).status).toBe(200);
    const after = await meta(key);
    expect(after).toMatchObject({ viewCount: 1, lastViewedAt: now });
    expect(after.viewOffset).toBeUndefined();
    expect(after.updatedAt).toBe(before.updatedAt);
    // GET works too (python-plexapi uses it) and counts another view.
    h.clock.advance(1000);
    expect((await h.pms(`/:/scrobble?key=${key}&${ID}`)).status).toBe(200);
    expect(await meta(key)).toMatchObject({ viewCount: 2, lastViewedAt: now + 1 });
  });

  it('unscrobble removes viewCount and lastViewedAt from the item', async () => {
    const key = rk('movie-1');
    expect((await h.pms(`/:/unscrobble?key=${key}&${ID}`, { method: 'PUT' })).status).toBe(200);
    const m = await meta(key);
    expect(m).not.toHaveProperty('viewCount');
    expect(m).not.toHaveProperty('lastViewedAt');
    expect(m.userRating).toBe(9); // the rating stays
  });

  it('keeps watch state per account', async () => {
    const key = rk('movie-4');
    const samToken = h.fakes.pms.tokenFor(SAM);
    expect((await h.pms(`/:/scrobble?key=${key}&${ID}`, { method: 'PUT', token: samToken })).status).toBe(200);
    expect((await meta(key, samToken)).viewCount).toBe(1);
    expect((await meta(key)).viewCount).toBeUndefined();
    expect(h.fakes.pms.stateOf('movie-4', SAM).viewCount).toBe(1);
    expect(h.fakes.pms.stateOf('movie-4').viewCount).toBe(0);
    expect(h.fakes.pms.callsFor('movie-4')).toEqual([expect.objectContaining({ action: 'scrobble', method: 'PUT', accountId: SAM, ratingKey: key })]);
  });

  it('marks every episode of a show or season', async () => {
    expect((await h.pms(`/:/scrobble?key=${rk('show-3')}&${ID}`, { method: 'PUT' })).status).toBe(200);
    expect(h.fakes.pms.stateOf('show-3-s01e01').viewCount).toBe(1);
    expect(h.fakes.pms.stateOf('show-3-s01e02').viewCount).toBe(1);
    const show = await meta(rk('show-3'));
    expect(show).toMatchObject({ leafCount: 2, viewedLeafCount: 2 });
  });

  it('accepts uri= instead of key=; 404 for an unknown item; 400 without the identifier', async () => {
    const uri = encodeURIComponent(`server://${h.fakes.pms.machineIdentifier}/com.plexapp.plugins.library/library/metadata/${rk('show-4-s01e01')}`);
    expect((await h.pms(`/:/scrobble?uri=${uri}`, { method: 'PUT' })).status).toBe(200);
    expect(h.fakes.pms.stateOf('show-4-s01e01').viewCount).toBe(1);
    expect((await h.pms(`/:/scrobble?key=999999&${ID}`, { method: 'PUT' })).status).toBe(404);
    expect((await h.pms(`/:/unscrobble?key=999999&${ID}`, { method: 'PUT' })).status).toBe(404);
    expect((await h.pms(`/:/scrobble?key=${rk('movie-1')}`, { method: 'PUT' })).status).toBe(400);
    expect((await h.pms(`/:/scrobble?key=${rk('movie-1')}&${ID}`, { method: 'POST' })).status).toBe(405);
  });
});

describe('ratings', () => {
  it('sets 0-10 for the token\'s account, clears with -1, refuses out-of-range, 404 for unknown keys', async () => {
    const key = rk('movie-6');
    h.clock.set((T0 + 5000) * 1000);
    expect((await h.pms(`/:/rate?key=${key}&${ID}&rating=7.5`, { method: 'PUT' })).status).toBe(200);
    expect(await meta(key)).toMatchObject({ userRating: 7.5, lastRatedAt: T0 + 5000 });
    expect((await meta(key)).updatedAt).toBeLessThan(T0 + 5000);
    const samToken = h.fakes.pms.tokenFor(SAM);
    expect((await h.pms(`/:/rate?key=${key}&${ID}&rating=2`, { method: 'PUT', token: samToken })).status).toBe(200);
    expect((await meta(key)).userRating).toBe(7.5);
    expect((await meta(key, samToken)).userRating).toBe(2);
    expect((await h.pms(`/:/rate?key=${key}&${ID}&rating=-1`, { method: 'PUT' })).status).toBe(200);
    expect(await meta(key)).not.toHaveProperty('userRating');
    expect((await h.pms(`/:/rate?key=${key}&${ID}&rating=11`, { method: 'PUT' })).status).toBe(400);
    expect((await h.pms(`/:/rate?key=${key}&${ID}`, { method: 'PUT' })).status).toBe(400);
    expect((await h.pms(`/:/rate?key=999999&${ID}&rating=5`, { method: 'PUT' })).status).toBe(404);
    const rates = h.fakes.pms.callsFor(key).filter((c) => c.action === 'rate');
    expect(rates.map((c) => [c.accountId, c.rating])).toEqual([[1, 7.5], [SAM, 2], [1, null]]);
  });

  it('rates a show as a show', async () => {
    expect((await h.pms(`/:/rate?key=${rk('show-2')}&${ID}&rating=6`, { method: 'PUT' })).status).toBe(200);
    expect((await meta(rk('show-2'))).userRating).toBe(6);
    expect(h.fakes.pms.stateOf('show-2-s01e01').userRating).toBeUndefined();
  });
});

describe('state from code and over /__control', () => {
  it('marks watched at a past time by hand, without logging a call', async () => {
    const calls = h.fakes.pms.calls.length;
    h.fakes.pms.markWatched('show-1-s02e02', 1, T0 - 999);
    expect(h.fakes.pms.stateOf('show-1-s02e02')).toMatchObject({ viewCount: 1, lastViewedAt: T0 - 999 });
    expect(h.fakes.pms.calls.length).toBe(calls);
  });

  it('drives the same through POST /__control for another process', async () => {
    const control = (action: string, body: unknown) => fetch(`${h.fakes.pmsUrl}/__control/${action}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    const { ratingKeys } = await control('lookup', { libKey: 'show-5-s01e01' });
    expect(ratingKeys).toEqual([rk('show-5-s01e01')]);
    await control('mark-watched', { ref: 'show-5-s01e01', at: T0 - 5 });
    expect(await control('state', { ref: ratingKeys[0] })).toMatchObject({ viewCount: 1, lastViewedAt: T0 - 5 });
    await control('rate', { ref: 'show-5-s01e01', rating: 4, accountId: SAM });
    expect(h.fakes.pms.stateOf('show-5-s01e01', SAM).userRating).toBe(4);
    const tokens = await control('tokens', {});
    expect(tokens.find((t: any) => t.id === 1).serverToken).toBe(h.token);
  });
});
