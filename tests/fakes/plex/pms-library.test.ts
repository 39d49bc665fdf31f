import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlexFakes } from './fakes.js';
import { smallLibrary, startHarness, T0, type Harness } from './test-support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.fakes.stop());

describe('Plex Media Server: tokens and formats', () => {
  it('answers 401 without a token, with a wrong one, or with a plex.tv account token', async () => {
    expect((await h.pms('/library/sections', { token: null })).status).toBe(401);
    expect((await h.pms('/library/sections', { token: 'wrong' })).status).toBe(401);
    expect((await h.pms('/library/sections', { token: h.fakes.accounts.owner.userToken })).status).toBe(401);
    expect((await h.pms('/:/scrobble?key=1000&identifier=com.plexapp.plugins.library', { token: null, method: 'PUT' })).status).toBe(401);
  });

  it('takes the token as a query parameter too', async () => {
    const res = await fetch(`${h.fakes.pmsUrl}/library/sections?X-Plex-Token=${h.token}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('answers /identity without a token', async () => {
    const body = await (await h.pms('/identity', { token: null })).json();
    expect(body.MediaContainer).toMatchObject({ size: 0, claimed: true, machineIdentifier: 'aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00', version: expect.stringMatching(/^1\.41\./) });
  });

  it('answers XML MediaContainers unless Accept is application/json', async () => {
    const res = await h.pms('/library/sections', { json: false });
    expect(res.headers.get('content-type')).toMatch(/xml/);
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<MediaContainer size="5"/);
    expect(xml).toMatch(/<Directory [^>]*key="1" type="movie" title="Movies" agent="tv.plex.agents.movie"[^>]*><Location id="1" path="[^"]+"\/><\/Directory>/);
    const items = await (await h.pms('/library/sections/1/all?type=1&includeGuids=1', { json: false })).text();
    expect(items).toMatch(/<Video ratingKey="\d+"[^>]*type="movie"/);
    expect(items).toMatch(/<Guid id="imdb:\/\/tt9000001"\/>/);
    const shows = await (await h.pms('/library/sections/2/all?type=2', { json: false })).text();
    expect(shows).toMatch(/<Directory ratingKey="\d+"[^>]*type="show"/);
  });

  it('accepts the owner\'s plex.tv token when told to, like a real owned server', async () => {
    h.fakes.pms.acceptAccountTokens = true;
    try {
      expect((await h.pms('/library/sections', { token: h.fakes.accounts.owner.userToken })).status).toBe(200);
    } finally {
      h.fakes.pms.acceptAccountTokens = false;
    }
  });
});

describe('Plex Media Server behind a path', () => {
  it('appends API paths to a base URL that carries one', async () => {
    const fakes = await startPlexFakes({ pms: { pathPrefix: '/plex' }, library: smallLibrary() });
    try {
      expect(fakes.pmsUrl).toMatch(/\/plex$/);
      const ok = await fetch(`${fakes.pmsUrl}/library/sections`, { headers: { accept: 'application/json', 'x-plex-token': fakes.pms.tokenFor() } });
      expect(ok.status).toBe(200);
      const bare = await fetch(`${fakes.pmsUrl.replace(/\/plex$/, '')}/library/sections`, { headers: { 'x-plex-token': fakes.pms.tokenFor() } });
      expect(bare.status).toBe(404);
      const devices = (await (await fetch(`${fakes.tvUrl}/api/v2/resources`, { headers: { accept: 'application/json', 'x-plex-token': fakes.accounts.owner.userToken } })).json()) as any[];
      expect(devices[0].connections.find((c: any) => c.local).uri).toBe(fakes.pmsUrl);
    } finally {
      await fakes.stop();
    }
  });
});

describe('Plex Media Server: sections and listings', () => {
  it('lists sections with key, type, title, agent, uuid and Location', async () => {
    const body = await (await h.pms('/library/sections')).json();
    const dirs = body.MediaContainer.Directory;
    expect(dirs.map((d: any) => [d.key, d.type, d.agent])).toEqual([
      ['1', 'movie', 'tv.plex.agents.movie'],
      ['2', 'show', 'tv.plex.agents.series'],
      ['3', 'movie', 'com.plexapp.agents.imdb'],
      ['4', 'show', 'com.plexapp.agents.thetvdb'],
      ['5', 'show', 'com.plexapp.agents.hama'],
    ]);
    expect(dirs[0]).toMatchObject({ title: 'Movies', scanner: 'Plex Movie', uuid: expect.any(String), Location: [{ id: 1, path: expect.any(String) }] });
  });

  it('lists a movie section in title order with section fields on the container', async () => {
    const body = await (await h.pms('/library/sections/1/all?type=1')).json();
    const mc = body.MediaContainer;
    expect(mc).toMatchObject({ librarySectionID: 1, librarySectionTitle: 'Movies', identifier: 'com.plexapp.plugins.library', viewGroup: 'movie', offset: 0, totalSize: 5, size: 5 });
    // titleSort order: "The Matrix" sorts as "matrix"; Alien has a second item, its edition.
    expect(mc.Metadata.map((m: any) => m.title)).toEqual(['Alien', 'Alien', 'Home Video', 'The Matrix', 'Unmatched Thing']);
    expect(mc.Metadata.filter((m: any) => m.editionTitle === "Director's Cut")).toHaveLength(1);
  });

  it('omits unset watch fields and Guid[] unless includeGuids=1', async () => {
    const plain = (await (await h.pms('/library/sections/1/all?type=1')).json()).MediaContainer.Metadata;
    const matrix = plain.find((m: any) => m.title === 'The Matrix');
    const alien = plain.find((m: any) => m.title === 'Alien');
    expect(matrix).toMatchObject({ viewCount: 2, lastViewedAt: T0 - 3600, userRating: 9, type: 'movie', year: 1991, duration: 6_000_001 });
    expect(matrix.Guid).toBeUndefined();
    for (const field of ['viewCount', 'lastViewedAt', 'userRating', 'viewOffset', 'Guid']) expect(alien).not.toHaveProperty(field);
    const withGuids = (await (await h.pms('/library/sections/1/all?type=1&includeGuids=1')).json()).MediaContainer.Metadata;
    expect(withGuids.find((m: any) => m.title === 'The Matrix').Guid).toEqual([{ id: 'imdb://tt9000001' }, { id: 'tmdb://70001' }, { id: 'tvdb://80001' }]);
  });

  it('pages by headers or query parameters, with the total in headers and body; size 0 gives only the total', async () => {
    const byHeaders = await h.pms('/library/sections/2/all?type=4', { headers: { 'X-Plex-Container-Start': '2', 'X-Plex-Container-Size': '3' } });
    expect(byHeaders.headers.get('x-plex-container-start')).toBe('2');
    expect(byHeaders.headers.get('x-plex-container-total-size')).toBe('6');
    const mc = (await byHeaders.json()).MediaContainer;
    expect(mc).toMatchObject({ offset: 2, size: 3, totalSize: 6 });
    expect(mc.Metadata.map((m: any) => [m.parentIndex, m.index])).toEqual([[1, 2], [1, 3], [2, 1]]);

    const byQuery = (await (await h.pms('/library/sections/2/all?type=4&X-Plex-Container-Start=5&X-Plex-Container-Size=10')).json()).MediaContainer;
    expect(byQuery).toMatchObject({ offset: 5, size: 1, totalSize: 6 });

    const total = await h.pms('/library/sections/2/all?type=4&X-Plex-Container-Start=0&X-Plex-Container-Size=0');
    expect(total.headers.get('x-plex-container-total-size')).toBe('6');
    const totalBody = (await total.json()).MediaContainer;
    expect(totalBody).toMatchObject({ size: 0, totalSize: 6 });
    expect(totalBody.Metadata).toBeUndefined();

    const past = (await (await h.pms('/library/sections/2/all?type=4&X-Plex-Container-Start=50&X-Plex-Container-Size=10')).json()).MediaContainer;
    expect(past).toMatchObject({ size: 0, totalSize: 6 });
    expect((await h.pms('/library/sections/2/all?type=4&X-Plex-Container-Size=-1')).status).toBe(400);
  });

  it('forces pagination when configured, and says so in the answer', async () => {
    h.fakes.pms.forcePageSize = 2;
    try {
      const res = await h.pms('/library/sections/2/all?type=4');
      expect(res.headers.get('x-plex-container-total-size')).toBe('6');
      expect((await res.json()).MediaContainer).toMatchObject({ size: 2, totalSize: 6 });
    } finally {
      h.fakes.pms.forcePageSize = undefined;
    }
  });

  it('sorts by a field, descending on request, and refuses unknown sort fields', async () => {
    const asc = (await (await h.pms('/library/sections/1/all?type=1&sort=year')).json()).MediaContainer.Metadata.map((m: any) => m.year);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const desc = (await (await h.pms('/library/sections/1/all?type=1&sort=addedAt:desc')).json()).MediaContainer.Metadata.map((m: any) => m.addedAt);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const scoped = await h.pms('/library/sections/2/all?type=4&sort=episode.addedAt');
    expect(scoped.status).toBe(200);
    expect((await h.pms('/library/sections/1/all?type=1&sort=bogus')).status).toBe(400);
  });

  it('gives episodes their season and show, and one shared file to a multi-episode file', async () => {
    const eps = (await (await h.pms('/library/sections/2/all?type=4&includeGuids=1')).json()).MediaContainer.Metadata;
    const show = (await (await h.pms('/library/sections/2/all?type=2')).json()).MediaContainer.Metadata[0];
    expect(eps[0]).toMatchObject({ parentIndex: 0, index: 1, parentTitle: 'Specials', grandparentTitle: 'The Modern Show', grandparentRatingKey: show.ratingKey, grandparentGuid: show.guid, type: 'episode' });
    expect(eps[0].parentRatingKey).toEqual(expect.any(String));
    const [e1, e2, e3] = eps.slice(1, 4);
    const file = (m: any) => m.Media[0].Part[0].file as string;
    expect(file(e1)).toMatch(/The Modern Show \(2010\) - S01E01-E02\.mkv$/);
    expect(file(e2)).toBe(file(e1));
    expect(e2.ratingKey).not.toBe(e1.ratingKey);
    expect(file(e3)).toMatch(/- S01E03\.mkv$/);
    expect(show).toMatchObject({ leafCount: 6, viewedLeafCount: 1, childCount: 3, userRating: 8, lastViewedAt: T0 - 86_400 });
  });

  it('serves single items, children and all leaves, and 404 for unknown keys', async () => {
    const rk = h.fakes.pms.ratingKeyOf('show-1');
    const one = (await (await h.pms(`/library/metadata/${rk}?includeGuids=1`)).json()).MediaContainer;
    expect(one.Metadata[0]).toMatchObject({ ratingKey: rk, type: 'show', librarySectionID: 2, librarySectionTitle: 'TV Shows', Guid: expect.any(Array) });
    const seasons = (await (await h.pms(`/library/metadata/${rk}/children`)).json()).MediaContainer.Metadata;
    expect(seasons.map((s: any) => [s.type, s.index, s.title])).toEqual([['season', 0, 'Specials'], ['season', 1, 'Season 1'], ['season', 2, 'Season 2']]);
    const season1 = (await (await h.pms(`/library/metadata/${seasons[1].ratingKey}/children`)).json()).MediaContainer.Metadata;
    expect(season1.map((e: any) => e.index)).toEqual([1, 2, 3]);
    const leaves = (await (await h.pms(`/library/metadata/${rk}/allLeaves`)).json()).MediaContainer;
    expect(leaves.totalSize).toBe(6);
    const many = (await (await h.pms(`/library/metadata/${rk},${seasons[0].ratingKey}`)).json()).MediaContainer;
    expect(many.size).toBe(2);
    expect((await h.pms('/library/metadata/999999')).status).toBe(404);
    expect((await h.pms('/library/sections/42/all')).status).toBe(404);
    const sectionLeaves = (await (await h.pms('/library/sections/2/allLeaves')).json()).MediaContainer;
    expect(sectionLeaves.totalSize).toBe(6);
  });

  it('renders lean listings for benchmarks: ids, state and the media file, no artwork or summaries', async () => {
    h.fakes.pms.lean = true;
    try {
      const [m] = (await (await h.pms('/library/sections/2/all?type=4&includeGuids=1&X-Plex-Container-Size=1&X-Plex-Container-Start=1')).json()).MediaContainer.Metadata;
      expect(m).toMatchObject({ type: 'episode', parentIndex: 1, index: 1, viewCount: 1, Guid: expect.any(Array) });
      expect(m.Media[0].Part[0].file).toMatch(/S01E01-E02\.mkv$/);
      for (const field of ['summary', 'thumb', 'art', 'grandparentThumb', 'contentRating']) expect(m).not.toHaveProperty(field);
    } finally {
      h.fakes.pms.lean = false;
    }
  });

  it('finds items by library-model key, editions and copies included', () => {
    expect(h.fakes.pms.ratingKeysOf('movie-2')).toHaveLength(4); // two sections, each with the edition
    expect(h.fakes.pms.ratingKeyOf('show-1:season-1')).toEqual(expect.any(String));
    expect(() => h.fakes.pms.ratingKeyOf('movie-404')).toThrow();
  });
});
