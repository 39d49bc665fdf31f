import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, T0, type Harness } from './test-support.js';

let h: Harness;
const SAM = 5_551_234;

beforeAll(async () => {
  h = await startHarness();
  // Owner watches two episodes an hour apart (by hand, at past times); Sam watches one.
  h.fakes.pms.markWatched('show-1-s02e01', 1, T0 - 7200);
  h.fakes.pms.markWatched('show-1-s02e02', 1, T0 - 3600);
  h.fakes.pms.markWatched('show-2-s01e01', SAM, T0 - 60);
});
afterAll(() => h.fakes.stop());

async function keys(path: string, token?: string): Promise<string[]> {
  const res = await h.pms(path, token ? { token } : {});
  expect(res.status).toBe(200);
  const mc = (await res.json()).MediaContainer;
  return (mc.Metadata ?? []).map((m: any) => m.ratingKey);
}
const rk = (libKey: string) => h.fakes.pms.ratingKeyOf(libKey);

describe('media queries on section listings (API.md B.4)', () => {
  it('lastViewedAt>>= (strictly after), whether the key is URL-encoded or not', async () => {
    const since = T0 - 7200;
    const plain = await keys(`/library/sections/2/all?type=4&lastViewedAt>>=${since}`);
    const encoded = await keys(`/library/sections/2/all?type=4&lastViewedAt%3E%3E=${since}`);
    expect(plain).toEqual([rk('show-1-s02e02')]);
    expect(encoded).toEqual(plain);
    // ">=" (key "lastViewedAt>") is at-or-after: the boundary item joins.
    expect(await keys(`/library/sections/2/all?type=4&lastViewedAt>=${since}`)).toEqual([rk('show-1-s02e01'), rk('show-1-s02e02')]);
    expect(await keys(`/library/sections/2/all?type=4&lastViewedAt<<=${since}`)).toEqual([rk('show-1-s01e01')]);
  });

  it('takes relative dates', async () => {
    expect(await keys('/library/sections/2/all?type=4&lastViewedAt>>=-90m')).toEqual([rk('show-1-s02e02')]);
    expect(await keys('/library/sections/2/all?type=4&lastViewedAt>>=-3d')).toHaveLength(3);
  });

  it('viewCount>>=0 gives watched items, unwatched=1 and unwatched=0 split the rest', async () => {
    const watched = await keys('/library/sections/2/all?type=4&viewCount>>=0');
    expect(watched.sort()).toEqual([rk('show-1-s01e01'), rk('show-1-s02e01'), rk('show-1-s02e02')].sort());
    expect((await keys('/library/sections/2/all?type=4&unwatched=0')).sort()).toEqual(watched.sort());
    const unwatched = await keys('/library/sections/2/all?type=4&unwatched=1');
    expect(unwatched).toHaveLength(3);
    expect(unwatched.some((k) => watched.includes(k))).toBe(false);
    expect(await keys('/library/sections/1/all?type=1&viewCount>=2')).toEqual([rk('movie-1')]);
  });

  it('unwatched on shows means "has unwatched episodes"', async () => {
    h.fakes.pms.markWatched('show-5', 1, T0 - 10); // every episode of show-5
    try {
      expect(await keys('/library/sections/4/all?type=2&unwatched=0')).toEqual([rk('show-5')]);
      expect(await keys('/library/sections/4/all?type=2&unwatched=1')).toEqual([rk('show-2')]);
      expect(await keys('/library/sections/4/all?type=2&lastViewedAt>>=-1h')).toEqual([rk('show-5')]);
    } finally {
      h.fakes.pms.markUnwatched('show-5');
    }
  });

  it('updatedAt>>= finds metadata changes only; lastViewedAt>>= and lastRatedAt>>= find plays and ratings made over the API', async () => {
    const since = Math.floor(h.clock.now() / 1000);
    expect(await keys(`/library/sections/1/all?type=1&updatedAt>>=${since}`)).toEqual([]);
    h.clock.advance(10_000);
    const put = await h.pms(`/:/scrobble?key=${rk('movie-5')}&identifier=com.plexapp.plugins.library`, { method: 'PUT' });
    expect(put.status).toBe(200);
    expect((await h.pms(`/:/rate?key=${rk('movie-6')}&identifier=com.plexapp.plugins.library&rating=4`, { method: 'PUT' })).status).toBe(200);
    expect(await keys(`/library/sections/1/all?type=1&updatedAt>>=${since}`)).toEqual([]);
    expect(await keys(`/library/sections/1/all?type=1&lastViewedAt>>=${since}`)).toEqual([rk('movie-5')]);
    expect(await keys(`/library/sections/1/all?type=1&lastRatedAt>>=${since}`)).toEqual([rk('movie-6')]);
    h.fakes.pms.refreshMetadata('movie-1');
    expect(await keys(`/library/sections/1/all?type=1&updatedAt>>=${since}`)).toEqual([rk('movie-1')]);
  });

  it('an un-watch leaves no time behind: only the watched total (size 0) shows it', async () => {
    const total = async (q: string) => (await (await h.pms(`/library/sections/1/all?type=1${q}`, { headers: { 'X-Plex-Container-Start': '0', 'X-Plex-Container-Size': '0' } })).json()).MediaContainer;
    const before = await total('&unwatched=0');
    expect(before.size).toBe(0);
    h.clock.advance(10_000);
    const since = Math.floor(h.clock.now() / 1000) - 1;
    expect((await h.pms(`/:/unscrobble?key=${rk('movie-5')}&identifier=com.plexapp.plugins.library`, { method: 'PUT' })).status).toBe(200);
    expect(await keys(`/library/sections/1/all?type=1&updatedAt>>=${since}`)).toEqual([]);
    expect(await keys(`/library/sections/1/all?type=1&lastViewedAt>>=${since}`)).toEqual([]);
    expect((await total('&unwatched=0')).totalSize).toBe(before.totalSize - 1);
  });

  it('addedAt>>= and combined filters', async () => {
    const all = (await (await h.pms('/library/sections/2/all?type=4')).json()).MediaContainer.Metadata;
    const cut = all[3].addedAt;
    const later = await keys(`/library/sections/2/all?type=4&addedAt>>=${cut}`);
    expect(later).toEqual(all.filter((m: any) => m.addedAt > cut).map((m: any) => m.ratingKey));
    expect(later.length).toBeGreaterThan(0);
    expect(await keys(`/library/sections/2/all?type=4&addedAt>>=${cut}&unwatched=0`)).toEqual([rk('show-1-s02e01'), rk('show-1-s02e02')].filter((k) => later.includes(k)));
  });

  it('evaluates watch filters for the token\'s account', async () => {
    const samToken = h.fakes.pms.tokenFor(SAM);
    expect(await keys('/library/sections/4/all?type=4&viewCount>>=0', samToken)).toEqual([rk('show-2-s01e01')]);
    expect(await keys('/library/sections/4/all?type=4&viewCount>>=0')).toEqual([]);
    expect(await keys('/library/sections/2/all?type=4&viewCount>>=0', samToken)).toEqual([]);
  });

  it('pages through a filtered list with the filtered total', async () => {
    const res = await h.pms('/library/sections/2/all?type=4&unwatched=1&X-Plex-Container-Start=1&X-Plex-Container-Size=1');
    expect(res.headers.get('x-plex-container-total-size')).toBe('3');
    expect((await res.json()).MediaContainer).toMatchObject({ offset: 1, size: 1, totalSize: 3 });
  });

  it('refuses an unknown field with an operator and a value that is not a number; ignores plain extras', async () => {
    expect((await h.pms('/library/sections/2/all?type=4&bogusField>>=1')).status).toBe(400);
    expect((await h.pms('/library/sections/2/all?type=4&lastViewedAt>>=yesterday')).status).toBe(400);
    expect((await h.pms('/library/sections/2/all?type=4&includeCollections=1&checkFiles=0&somethingElse=1')).status).toBe(200);
  });
});
