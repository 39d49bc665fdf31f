import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TmdbFake } from './fake.js';
import { fixtureFake, get } from './test-support.js';

describe('TMDB emulator: API v3', () => {
  let fake: TmdbFake;
  beforeAll(async () => {
    fake = await fixtureFake({ rateLimit: false });
  });
  afterAll(() => fake.stop());

  it('accepts the v3 key as api_key and the read token as a Bearer', async () => {
    const a = await get(fake, '/movie/550');
    expect(a.status).toBe(200);
    expect((await a.json()).title).toBe('Fixture Club');
    const b = await get(fake, '/movie/550', { bearer: fake.readToken });
    expect(b.status).toBe(200);
    expect((await b.json()).poster_path).toBe('/fixtureClubPoster0000000000.jpg');
  });

  it('answers a bad, missing or misplaced key with 401 and status_code 7', async () => {
    const expected = { success: false, status_code: 7, status_message: 'Invalid API key: You must be granted a valid key.' };
    for (const auth of [{ apiKey: 'wrong' }, {}, { bearer: 'wrong' }, { bearer: fake.apiKey }, { apiKey: 'wrong', bearer: fake.readToken }]) {
      const res = await get(fake, '/configuration', auth);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual(expected);
    }
  });

  it('answers unknown ids and unknown paths with 404 and status_code 34', async () => {
    const expected = { success: false, status_code: 34, status_message: 'The resource you requested could not be found.' };
    for (const path of ['/movie/999999', '/movie/abc', '/tv/1', '/tv/1399/season/9/episode/1', '/nothing/here']) {
      const res = await get(fake, path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual(expected);
    }
  });

  it('serves /configuration with its own image host and the documented size lists', async () => {
    const body = (await (await get(fake, '/configuration')).json()) as any;
    expect(body.images.base_url).toBe(`${fake.imageBaseUrl}/`);
    expect(body.images.secure_base_url).toBe(`${fake.origin}/t/p/`);
    expect(body.images.poster_sizes).toEqual(['w92', 'w154', 'w185', 'w342', 'w500', 'w780', 'original']);
    expect(body.images.still_sizes).toEqual(['w92', 'w185', 'w300', 'original']);
    expect(body.change_keys).toContain('poster_path');
  });

  it('serves movie, show and episode details with poster and still paths', async () => {
    const movie = await (await get(fake, '/movie/550')).json();
    expect(movie).toMatchObject({ id: 550, imdb_id: 'tt0137523', runtime: 139, release_date: expect.stringMatching(/^1999-\d\d-\d\d$/) });
    expect((await (await get(fake, '/movie/551')).json()).poster_path).toBeNull();
    const show = await (await get(fake, '/tv/1399')).json();
    expect(show).toMatchObject({ id: 1399, name: 'Fixture Thrones', poster_path: '/fixtureThronesPoster000000.jpg', number_of_episodes: 2, number_of_seasons: 1 });
    expect(show.seasons).toEqual([expect.objectContaining({ season_number: 1, episode_count: 2 })]);
    const ep = await (await get(fake, '/tv/1399/season/1/episode/1')).json();
    expect(ep).toMatchObject({ id: 63056, show_id: 1399, season_number: 1, episode_number: 1, still_path: '/stillA.jpg' });
    expect(await (await get(fake, '/tv/1399/season/1/episode/1/external_ids')).json()).toMatchObject({ imdb_id: 'tt1480055', tvdb_id: 3254641 });
    expect(await (await get(fake, '/tv/1399/external_ids')).json()).toMatchObject({ imdb_id: 'tt0944947', tvdb_id: 121361 });
  });

  it('finds by imdb id (movies, shows, episodes) and by tvdb id (shows, episodes), with every result array', async () => {
    const empty = { movie_results: [], person_results: [], tv_results: [], tv_episode_results: [], tv_season_results: [] };
    const movie = await (await get(fake, '/find/tt0137523?external_source=imdb_id')).json();
    expect(movie).toEqual({ ...empty, movie_results: [expect.objectContaining({ id: 550, media_type: 'movie', poster_path: '/fixtureClubPoster0000000000.jpg' })] });
    const show = await (await get(fake, '/find/tt0944947?external_source=imdb_id')).json();
    expect(show.tv_results).toEqual([expect.objectContaining({ id: 1399, media_type: 'tv', poster_path: '/fixtureThronesPoster000000.jpg' })]);
    const byTvdb = await (await get(fake, '/find/121361?external_source=tvdb_id')).json();
    expect(byTvdb.tv_results.map((r: any) => r.id)).toEqual([1399]);
    const episode = await (await get(fake, '/find/3436411?external_source=tvdb_id')).json();
    expect(episode.tv_episode_results).toEqual([expect.objectContaining({ id: 63057, show_id: 1399, season_number: 1, episode_number: 2, media_type: 'tv_episode' })]);
    expect(await (await get(fake, '/find/tt0000001?external_source=imdb_id')).json()).toEqual(empty);
  });

  it('refuses /find without a supported external_source (422, status_code 5)', async () => {
    const res = await get(fake, '/find/tt0137523');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ success: false, status_code: 5 });
  });

  it('counts requests per path for inspection from code and over /__control', async () => {
    fake.reset();
    await get(fake, '/movie/550');
    await get(fake, '/movie/550', { apiKey: 'bad' });
    await get(fake, '/tv/1399');
    expect(fake.requestCounts()).toEqual({ '/movie/550': 2, '/tv/1399': 1 });
    expect(fake.count('/movie')).toBe(2);
    expect(fake.received('/3/tv').map((r) => r.status)).toEqual([200]);
    const counts = await (await fetch(`${fake.origin}/__control/counts`, { method: 'POST' })).json();
    expect(counts).toEqual({ '/movie/550': 2, '/tv/1399': 1 });
  });

  it('takes kit faults on API paths', async () => {
    fake.inject('/3/movie/550', { kind: 'status', status: 503, body: { status_code: 9 } });
    expect((await get(fake, '/movie/550')).status).toBe(503);
    expect((await get(fake, '/movie/550')).status).toBe(200);
  });
});
