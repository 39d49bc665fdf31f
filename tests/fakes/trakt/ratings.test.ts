import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

describe('Trakt emulator: /sync/ratings', () => {
  it('adds integer ratings 1-10 on every level and puts anything else in not_found', async () => {
    h = await startHarness();
    const res = await h.call('/sync/ratings', {
      body: {
        movies: [
          { ids: { trakt: 101 }, rating: 9, rated_at: '2024-02-02T10:00:00Z' },
          { ids: { trakt: 102 }, rating: 7.5 },
          { ids: { trakt: 103 }, rating: 11 },
          { ids: { imdb: 'tt0000111' }, rating: 10 },
        ],
        shows: [{ ids: { trakt: 201 }, rating: 8, seasons: [{ number: 1, rating: 6, episodes: [{ number: 2, rating: 10 }] }] }],
        episodes: [{ ids: { trakt: 3005 }, rating: 1 }],
      },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      added: { movies: 1, shows: 1, seasons: 1, episodes: 2 },
      not_found: {
        movies: [
          { ids: { imdb: 'tt0000111' }, rating: 10 },
          { ids: { trakt: 102 }, rating: 7.5 },
          { ids: { trakt: 103 }, rating: 11 },
        ],
        shows: [],
        seasons: [],
        episodes: [],
      },
    });
    expect(h.fake.ratings('alice')).toContainEqual({ type: 'movie', trakt: 101, rating: 9, rated_at: '2024-02-02T10:00:00.000Z' });
  });

  it('reads ratings by type and by rating, newest first, with the item shapes', async () => {
    h = await startHarness();
    h.fake.setRating('alice', { type: 'movie', trakt: 101 }, 9, '2024-01-01T00:00:00Z');
    h.fake.setRating('alice', { type: 'movie', trakt: 102 }, 4, '2024-01-02T00:00:00Z');
    h.fake.setRating('alice', { type: 'episode', trakt: 3001 }, 9, '2024-01-03T00:00:00Z');
    h.fake.setRating('alice', { type: 'season', trakt: h.fake.catalogue.shows.get(201)!.seasons.get(2)!.trakt }, 7, '2024-01-04T00:00:00Z');

    const all = await (await h.call('/sync/ratings')).json();
    expect(all.map((r: { type: string }) => r.type)).toEqual(['season', 'episode', 'movie', 'movie']);
    expect(all[0]).toMatchObject({ rating: 7, season: { number: 2, ids: { trakt: expect.any(Number) } }, show: { ids: { trakt: 201 } } });
    expect(all[1]).toMatchObject({ rated_at: '2024-01-03T00:00:00.000Z', episode: { season: 1, number: 1 }, show: { title: 'Fixture Show' } });
    const nines = await (await h.call('/sync/ratings/all/9')).json();
    expect(nines).toHaveLength(2);
    const movies = await (await h.call('/sync/ratings/movies')).json();
    expect(movies.map((r: { movie: { ids: { trakt: number } } }) => r.movie.ids.trakt)).toEqual([102, 101]);
    const paged = await h.call('/sync/ratings/all?limit=1&page=2');
    expect(paged.headers.get('x-pagination-item-count')).toBe('4');
    expect((await paged.json())[0].type).toBe('episode');
  });

  it('removes ratings and moves rated_at in last_activities', async () => {
    h = await startHarness();
    h.fake.setRating('alice', { type: 'movie', trakt: 101 }, 9);
    h.fake.setRating('alice', { type: 'show', trakt: 201 }, 8);
    const before = (await (await h.call('/sync/last_activities')).json()).movies.rated_at;
    h.clock.advance(10_000);
    const res = await h.call('/sync/ratings/remove', { body: { movies: [{ ids: { imdb: 'tt9000101' } }, { ids: { trakt: 5 } }] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      deleted: { movies: 1, shows: 0, seasons: 0, episodes: 0 },
      not_found: { movies: [{ ids: { trakt: 5 } }], shows: [], seasons: [], episodes: [] },
    });
    expect(h.fake.ratings('alice')).toEqual([expect.objectContaining({ type: 'show', trakt: 201 })]);
    const after = (await (await h.call('/sync/last_activities')).json()).movies.rated_at;
    expect(Date.parse(after) - Date.parse(before)).toBe(10_000);
  });
});
