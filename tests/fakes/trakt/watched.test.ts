import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

describe('Trakt emulator: GET /sync/watched', () => {
  it('paginates watched movies by default (100 per page) with plays and timestamps', async () => {
    h = await startHarness();
    for (let i = 0; i < 130; i++) h.fake.catalogue.addMovie({ trakt: 10_000 + i, title: `Bulk ${i}`, year: 2000 });
    for (let i = 0; i < 130; i++) h.fake.addPlay('alice', { type: 'movie', trakt: 10_000 + i }, new Date(Date.UTC(2022, 0, 1) + i * 1000).toISOString());
    h.fake.addPlay('alice', { type: 'movie', trakt: 10_000 }, '2020-01-01T00:00:00Z');

    const first = await h.call('/sync/watched/movies');
    expect(first.headers.get('x-pagination-page-count')).toBe('2');
    expect(first.headers.get('x-pagination-item-count')).toBe('130');
    const page1 = await first.json();
    expect(page1).toHaveLength(100);
    const page2 = await (await h.call('/sync/watched/movies?page=2')).json();
    expect(page2).toHaveLength(30);
    const oldest = page2.at(-1);
    expect(oldest).toEqual({
      plays: 2,
      last_watched_at: '2022-01-01T00:00:00.000Z',
      last_updated_at: expect.any(String),
      movie: { title: 'Bulk 0', year: 2000, ids: { trakt: 10000, slug: 'bulk-0-2000', imdb: null, tmdb: null } },
    });
    const clamped = await h.call('/sync/watched/movies?limit=500');
    expect(clamped.headers.get('x-pagination-limit')).toBe('250');
  });

  it('leaves seasons out of watched shows unless extended=progress, which caps pages at 100', async () => {
    h = await startHarness();
    h.fake.addPlay('alice', { type: 'episode', trakt: 3001 }, '2024-01-01T00:00:00Z');
    h.fake.addPlay('alice', { type: 'episode', trakt: 3001 }, '2024-01-05T00:00:00Z');
    h.fake.addPlay('alice', { type: 'episode', trakt: 3005 }, '2024-01-03T00:00:00Z');

    const plain = await h.call('/sync/watched/shows');
    const [show] = await plain.json();
    expect(show).toEqual({
      plays: 3,
      last_watched_at: '2024-01-05T00:00:00.000Z',
      last_updated_at: expect.any(String),
      reset_at: null,
      show: { title: 'Fixture Show', year: 2010, ids: { trakt: 201, slug: 'fixture-show', tvdb: 80201, imdb: 'tt9000201', tmdb: 777 } },
    });
    const full = await (await h.call('/sync/watched/shows?extended=full')).json();
    expect(full[0].seasons).toBeUndefined();
    expect(full[0].show.aired_episodes).toBe(5);

    const progress = await h.call('/sync/watched/shows?extended=progress&limit=250');
    expect(progress.headers.get('x-pagination-limit')).toBe('100');
    const [withSeasons] = await progress.json();
    expect(withSeasons.seasons).toEqual([
      { number: 1, episodes: [{ number: 1, plays: 2, last_watched_at: '2024-01-05T00:00:00.000Z', completed: true }] },
      { number: 2, episodes: [{ number: 2, plays: 1, last_watched_at: '2024-01-03T00:00:00.000Z', completed: true }] },
    ]);
    expect(withSeasons).toMatchObject({ aired: 5, completed: 2, plays: 3 });
  });

  it('numbers episodes the way Trakt does, not the way the request named them', async () => {
    h = await startHarness();
    h.fake.catalogue.addShow({ trakt: 300, title: 'Absolute Order', year: 1999, tvdb: 81000 });
    h.fake.catalogue.addEpisode({ trakt: 4100, showTrakt: 300, season: 1, number: 101, tvdb: 99101 });
    await h.call('/sync/history', { body: { episodes: [{ ids: { tvdb: 99101 } }] } });
    const [show] = await (await h.call('/sync/watched/shows?extended=progress')).json();
    expect(show.seasons).toEqual([{ number: 1, episodes: [expect.objectContaining({ number: 101, plays: 1 })] }]);
  });
});
