import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.fakes.stop());

async function item(libKey: string): Promise<any> {
  const rk = h.fakes.pms.ratingKeyOf(libKey);
  return (await (await h.pms(`/library/metadata/${rk}?includeGuids=1`)).json()).MediaContainer.Metadata[0];
}

describe('guids of every agent style (API.md B.4)', () => {
  it('modern movie: plex://movie/<24hex> with imdb/tmdb/tvdb in Guid[]', async () => {
    const m = await item('movie-1');
    expect(m.guid).toMatch(/^plex:\/\/movie\/[0-9a-f]{24}$/);
    expect(m.Guid).toEqual([{ id: 'imdb://tt9000001' }, { id: 'tmdb://70001' }, { id: 'tvdb://80001' }]);
  });

  it('modern show, season and episode: episodes list their own ids, seasons none', async () => {
    const show = await item('show-1');
    expect(show.guid).toMatch(/^plex:\/\/show\/[0-9a-f]{24}$/);
    expect(show.Guid).toEqual([{ id: 'imdb://tt5000000' }, { id: 'tmdb://5000001' }, { id: 'tvdb://5000002' }]);
    const season = await item('show-1:season-1');
    expect(season.guid).toMatch(/^plex:\/\/season\/[0-9a-f]{24}$/);
    expect(season.Guid).toBeUndefined();
    const ep = await item('show-1-s01e01');
    expect(ep.guid).toMatch(/^plex:\/\/episode\/[0-9a-f]{24}$/);
    expect(ep.Guid).toEqual([{ id: 'imdb://tt5000101' }, { id: 'tmdb://5000101' }, { id: 'tvdb://5000102' }]);
    expect(ep).toMatchObject({ grandparentGuid: show.guid, parentGuid: season.guid });
    expect(new Set([show.guid, season.guid, ep.guid, (await item('show-1-s01e02')).guid]).size).toBe(4);
  });

  it('legacy movie agents: imdb and themoviedb ids in the guid, no Guid[]', async () => {
    const imdb = await item('movie-3');
    expect(imdb.guid).toBe('com.plexapp.agents.imdb://tt9000003?lang=en');
    expect(imdb.Guid).toBeUndefined();
    expect((await item('movie-4')).guid).toBe('com.plexapp.agents.themoviedb://70004?lang=en');
  });

  it('legacy TheTVDB shows: <show>/<season>/<episode>', async () => {
    expect((await item('show-2')).guid).toBe('com.plexapp.agents.thetvdb://6000002?lang=en');
    expect((await item('show-2:season-1')).guid).toBe('com.plexapp.agents.thetvdb://6000002/1?lang=en');
    const ep = await item('show-2-s01e02');
    expect(ep.guid).toBe('com.plexapp.agents.thetvdb://6000002/1/2?lang=en');
    expect(ep.Guid).toBeUndefined();
    expect((await item('show-5-s01e01')).guid).toBe('com.plexapp.agents.themoviedb://7200001/1/1?lang=en');
  });

  it('HAMA: tvdb- and anidb- prefixes', async () => {
    expect((await item('show-3-s01e02')).guid).toBe('com.plexapp.agents.hama://tvdb-7000002/1/2?lang=en');
    expect((await item('show-4')).guid).toMatch(/^com\.plexapp\.agents\.hama:\/\/anidb-\d+\?lang=en$/);
    expect((await item('show-4-s01e01')).guid).toMatch(/^com\.plexapp\.agents\.hama:\/\/anidb-\d+\/1\/1\?lang=en$/);
  });

  it('local and none agents carry no external id', async () => {
    const local = await item('movie-5');
    expect(local.guid).toBe(`local://${local.ratingKey}`);
    expect(local.Guid).toBeUndefined();
    const none = await item('movie-6');
    expect(none.guid).toMatch(/^com\.plexapp\.agents\.none:\/\/[0-9a-f]{40}\?lang=xn$/);
    expect(none.Guid).toBeUndefined();
  });

  it('gives an edition and a copy in another section the same guid, as the agent matched the same movie', async () => {
    const seen = new Set<string>();
    for (const rk of h.fakes.pms.ratingKeysOf('movie-2')) {
      const m = (await (await h.pms(`/library/metadata/${rk}?includeGuids=1`)).json()).MediaContainer.Metadata[0];
      seen.add(`${m.guid} ${m.Guid.map((g: any) => g.id).join()}`);
    }
    expect(seen.size).toBe(1);
    expect([...seen][0]).toMatch(/^plex:\/\/movie\/[0-9a-f]{24} imdb:\/\/tt9000002,tmdb:\/\/70002,tvdb:\/\/80002$/);
  });
});
