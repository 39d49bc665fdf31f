import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

describe('Trakt emulator: GET /search/{id_type}/{id}', () => {
  it('finds a movie by imdb id with score null', async () => {
    h = await startHarness();
    const res = await h.call('/search/imdb/tt9000101?type=movie');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { type: 'movie', score: null, movie: { title: 'Fixture Movie One', year: 2001, ids: { trakt: 101, slug: 'fixture-movie-one-2001', imdb: 'tt9000101', tmdb: 50101 } } },
    ]);
  });

  it('returns every kind for a colliding tmdb id unless type narrows it', async () => {
    h = await startHarness();
    const both = await (await h.call('/search/tmdb/777')).json();
    expect(both.map((r: { type: string }) => r.type).sort()).toEqual(['movie', 'show']);
    const shows = await (await h.call('/search/tmdb/777?type=show')).json();
    expect(shows).toEqual([expect.objectContaining({ type: 'show', show: expect.objectContaining({ title: 'Fixture Show' }) })]);
  });

  it('returns an episode with its show, and an empty list for unknown ids', async () => {
    h = await startHarness();
    const [hit] = await (await h.call('/search/tvdb/703003?type=episode')).json();
    expect(hit).toMatchObject({ type: 'episode', score: null, episode: { season: 1, number: 3, ids: { trakt: 3003 } }, show: { ids: { trakt: 201 } } });
    expect(await (await h.call('/search/imdb/tt0000000?type=movie')).json()).toEqual([]);
    expect((await h.call('/search/plex/1')).status).toBe(400);
  });
});
