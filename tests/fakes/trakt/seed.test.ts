import { afterEach, describe, expect, it } from 'vitest';
import type { LibEpisode, LibMovie, LibShow, Library } from '../library/model.js';
import { seedTraktFromLibrary } from './seed.js';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

const unwatched = { viewCount: 0, lastViewedAt: null };

function movie(n: number, traktId: number | null, plays: string[], rating?: number): LibMovie {
  return {
    key: `movie-${n}`,
    title: `Seeded Movie ${n}`,
    year: 1990 + n,
    durationMs: 6_000_000,
    ids: { imdb: `tt8${String(n).padStart(6, '0')}`, tmdb: 80_000 + n },
    traktId,
    agent: 'modern',
    sectionIds: [1],
    plex: unwatched,
    trakt: { plays, rating, ratedAt: rating ? '2023-03-03T03:03:03Z' : undefined },
  };
}

function episode(show: number, season: number, number: number, traktId: number | null, plays: string[], extra: Partial<LibEpisode> = {}): LibEpisode {
  return {
    key: `show-${show}-s${season}e${number}`,
    season,
    number,
    title: `S${season}E${number}`,
    durationMs: 2_400_000,
    ids: { tvdb: show * 10_000 + season * 100 + number },
    traktId,
    plex: unwatched,
    trakt: { plays },
    ...extra,
  };
}

function library(movies: LibMovie[], shows: LibShow[]): Library {
  return {
    seed: 1,
    serverName: 'Test server',
    machineIdentifier: 'abc',
    owner: { plexAccountId: 1, plexUsername: 'owner', traktUsername: 'seeded' },
    otherAccounts: [],
    sections: [],
    movies,
    shows,
  };
}

function show(n: number, traktId: number | null, episodes: LibEpisode[], traktRating?: number): LibShow {
  return { key: `show-${n}`, title: `Seeded Show ${n}`, year: 2000 + n, ids: { tvdb: 500_000 + n }, traktId, agent: 'modern', sectionId: 2, traktRating, episodes };
}

describe('seedTraktFromLibrary', () => {
  it('loads the catalogue (Trakt numbering, unknown items left out), plays and ratings for the user', async () => {
    h = await startHarness();
    const lib = library(
      [movie(1, 7001, ['2022-01-01T10:00:00Z', '2023-01-01T10:00:00Z'], 8), movie(2, null, [])],
      [
        show(1, 8001, [
          episode(1, 1, 1, 9001, ['2022-05-05T05:05:05Z']),
          // Plex calls it S02E01; Trakt files it as absolute S01E13.
          episode(1, 2, 1, 9002, ['2022-06-06T06:06:06Z'], { traktSeason: 1, traktNumber: 13 }),
          episode(1, 2, 2, null, []),
        ], 9),
        show(2, null, [episode(2, 1, 1, 9100, ['2022-01-01T00:00:00Z'])]),
      ],
    );
    const summary = seedTraktFromLibrary(h.fake, lib);
    expect(summary).toMatchObject({ movies: 1, shows: 1, episodes: 2, plays: 4, ratings: 2 });
    expect(h.fake.catalogue.movies.size).toBe(3 + 1);
    expect(h.fake.catalogue.findEpisode({ trakt: 9100 })).toBeUndefined();

    const token = h.fake.issueToken('seeded').access_token;
    const history = await (await h.call('/sync/history/shows/8001', { token })).json();
    expect(history.map((p: { episode: { season: number; number: number } }) => [p.episode.season, p.episode.number])).toEqual([
      [1, 13],
      [1, 1],
    ]);
    const [m] = await (await h.call('/sync/watched/movies', { token })).json();
    expect(m).toMatchObject({ plays: 2, last_watched_at: '2023-01-01T10:00:00.000Z', movie: { ids: { trakt: 7001, imdb: 'tt8000001', tmdb: 80001 } } });
    expect(h.fake.ratings('seeded')).toEqual(
      expect.arrayContaining([
        { type: 'movie', trakt: 7001, rating: 8, rated_at: '2023-03-03T03:03:03.000Z' },
        expect.objectContaining({ type: 'show', trakt: 8001, rating: 9 }),
      ]),
    );
    // The other user's state is untouched.
    expect(h.fake.plays('alice')).toEqual([]);
  });

  it('seeds 100,000 episodes with 100,000 plays quickly and still pages through them fast', async () => {
    h = await startHarness();
    const shows: LibShow[] = [];
    const base = Date.UTC(2015, 0, 1);
    let id = 1_000_000;
    for (let s = 0; s < 1000; s++) {
      const eps: LibEpisode[] = [];
      for (let e = 0; e < 100; e++) {
        id += 1;
        eps.push(episode(s, 1 + Math.floor(e / 20), 1 + (e % 20), id, [new Date(base + id * 60_000).toISOString()]));
      }
      shows.push(show(s, 100_000 + s, eps));
    }
    const summary = seedTraktFromLibrary(h.fake, library([], shows));
    expect(summary).toMatchObject({ shows: 1000, episodes: 100_000, plays: 100_000 });
    expect(summary.ms).toBeLessThan(3_000); // ~0.3-0.7 s measured on a busy 2-core box; this guards against O(n²)

    const token = h.fake.issueToken('seeded').access_token;
    const t0 = performance.now();
    const last = await h.call('/sync/history?limit=250&page=400', { token });
    expect(last.headers.get('x-pagination-page-count')).toBe('400');
    const page = await last.json();
    expect(page).toHaveLength(250);
    expect(page.at(-1).episode.ids.trakt).toBe(1_000_001); // the oldest play
    for (let p = 1; p <= 10; p++) expect((await h.call(`/sync/watched/shows?extended=progress&page=${p}`, { token })).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});
