import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

describe('Trakt emulator: POST /sync/history', () => {
  it('adds plays by any id kind, never de-duplicates, and echoes unknown items in not_found', async () => {
    h = await startHarness();
    const at = '2024-03-01T20:00:00.000Z';
    const res = await h.call('/sync/history', {
      body: {
        movies: [
          { ids: { imdb: 'tt9000101' }, watched_at: at },
          { ids: { tmdb: 50101 }, watched_at: at }, // the same movie, the same instant: still a second play
          { ids: { slug: 'fixture-movie-two-2002' } },
          { ids: { trakt: 999999, imdb: 'tt0000111' } },
        ],
        episodes: [{ ids: { tvdb: 703001 }, watched_at: at }, { ids: { tmdb: 1 } }],
        shows: [{ ids: { tvdb: 1 }, title: 'Nope' }],
      },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      added: { movies: 3, episodes: 1 },
      updated: { movies: 0, episodes: 0 },
      not_found: {
        movies: [{ ids: { trakt: 999999, imdb: 'tt0000111' } }],
        shows: [{ ids: { tvdb: 1 }, title: 'Nope' }],
        seasons: [],
        episodes: [{ ids: { tmdb: 1 } }],
        people: [],
        users: [],
      },
    });
    const plays = h.fake.plays('alice');
    expect(plays.filter((p) => p.trakt === 101 && p.type === 'movie').map((p) => p.watched_at)).toEqual([at, at]);
    expect(plays.find((p) => p.type === 'episode')).toMatchObject({ trakt: 3001, show: 201, season: 1, number: 1, watched_at: at });
    // No watched_at: now.
    expect(plays.find((p) => p.trakt === 102)!.watched_at).toBe(new Date(h.clock.now()).toISOString());
  });

  it('expands a whole show, a season, and episodes by Trakt season/number, inheriting watched_at', async () => {
    h = await startHarness();
    const res = await h.call('/sync/history', {
      body: {
        shows: [
          { ids: { trakt: 201 }, watched_at: '2020-01-01T00:00:00Z' },
          {
            ids: { imdb: 'tt9000201' },
            seasons: [
              { number: 2, watched_at: '2021-01-01T00:00:00Z' },
              { number: 1, episodes: [{ number: 3, watched_at: '2022-01-01T00:00:00Z' }, { number: 9 }] },
              { number: 7 },
            ],
          },
        ],
      },
    });
    const body = await res.json();
    expect(body.added).toEqual({ movies: 0, episodes: 5 + 2 + 1 });
    expect(body.not_found.episodes).toEqual([{ number: 9 }]);
    expect(body.not_found.seasons).toEqual([{ number: 7 }]);
    const byTime = (iso: string) => h.fake.plays('alice').filter((p) => p.watched_at === iso).length;
    expect(byTime('2020-01-01T00:00:00.000Z')).toBe(5);
    expect(byTime('2021-01-01T00:00:00.000Z')).toBe(2);
    expect(byTime('2022-01-01T00:00:00.000Z')).toBe(1);
  });

  it('takes "released" and "unknown", and refuses a watched_at that is not a date with 422 and no change', async () => {
    h = await startHarness();
    const ok = await h.call('/sync/history', { body: { episodes: [{ ids: { trakt: 3001 }, watched_at: 'released' }], movies: [{ ids: { trakt: 101 }, watched_at: 'unknown' }] } });
    expect(ok.status).toBe(201);
    const released = h.fake.plays('alice').find((p) => p.type === 'episode')!;
    expect(Date.parse(released.watched_at)).toBeLessThan(h.clock.now());
    const bad = await h.call('/sync/history', { body: { movies: [{ ids: { trakt: 102 } }, { ids: { trakt: 103 }, watched_at: 'yesterday' }] } });
    expect(bad.status).toBe(422);
    expect(h.fake.plays('alice')).toHaveLength(2);
  });

  it('moves last_activities for the kind written', async () => {
    h = await startHarness();
    const before = await (await h.call('/sync/last_activities')).json();
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['all', 'movies', 'episodes', 'shows', 'seasons', 'comments', 'lists', 'watchlist', 'favorites', 'account', 'saved_filters', 'notes', 'collaborations']));
    h.clock.advance(60_000);
    await h.call('/sync/history', { body: { movies: [{ ids: { trakt: 101 } }] } });
    const after = await (await h.call('/sync/last_activities')).json();
    expect(after.movies.watched_at).not.toBe(before.movies.watched_at);
    expect(after.episodes.watched_at).toBe(before.episodes.watched_at);
    expect(after.all).toBe(after.movies.watched_at);
  });
});

describe('Trakt emulator: GET /sync/history', () => {
  it('lists newest first with the documented item shape and ids', async () => {
    h = await startHarness();
    h.fake.addPlay('alice', { type: 'movie', trakt: 101 }, '2024-01-01T10:00:00Z');
    h.fake.addPlay('alice', { type: 'episode', trakt: 3004 }, '2024-02-01T10:00:00Z', 'scrobble');
    const res = await h.call('/sync/history');
    const body = await res.json();
    expect(body.map((p: { type: string }) => p.type)).toEqual(['episode', 'movie']);
    expect(body[0]).toEqual({
      id: expect.any(Number),
      watched_at: '2024-02-01T10:00:00.000Z',
      action: 'scrobble',
      type: 'episode',
      episode: { season: 2, number: 1, title: 'Episode 1', ids: { trakt: 3004, tvdb: 703004, imdb: 'tt93004', tmdb: 603004 } },
      show: { title: 'Fixture Show', year: 2010, ids: { trakt: 201, slug: 'fixture-show', tvdb: 80201, imdb: 'tt9000201', tmdb: 777 } },
    });
    expect(body[1].movie).toEqual({ title: 'Fixture Movie One', year: 2001, ids: { trakt: 101, slug: 'fixture-movie-one-2001', imdb: 'tt9000101', tmdb: 50101 } });
    const full = await (await h.call('/sync/history/movies?extended=full')).json();
    expect(full).toHaveLength(1);
    expect(full[0].movie).toMatchObject({ runtime: 110, released: '2001-06-01', overview: expect.any(String) });
  });

  it('paginates and clamps limit to 250 silently, telling the truth in the headers', async () => {
    h = await startHarness();
    for (let i = 0; i < 300; i++) h.fake.addPlay('alice', { type: 'episode', trakt: 3001 + (i % 5) }, new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString());
    const first = await h.call('/sync/history');
    expect(first.headers.get('x-pagination-limit')).toBe('100');
    expect(first.headers.get('x-pagination-page-count')).toBe('3');
    expect(first.headers.get('x-pagination-item-count')).toBe('300');
    const big = await h.call('/sync/history?limit=1000&page=1');
    expect((await big.json()).length).toBe(250);
    expect(big.headers.get('x-pagination-limit')).toBe('250');
    expect(big.headers.get('x-pagination-page-count')).toBe('2');
    const second = await h.call('/sync/history/episodes?limit=1000&page=2');
    const rest = await second.json();
    expect(rest).toHaveLength(50);
    expect(second.headers.get('x-pagination-page')).toBe('2');
    expect(rest.at(-1).watched_at).toBe('2023-01-01T00:00:00.000Z'); // the oldest is last
    expect(await (await h.call('/sync/history?page=9')).json()).toEqual([]);
  });

  it('filters start_at/end_at on watched_at (not on when a play was added), ISO or YYYY-MM-DD', async () => {
    h = await startHarness();
    h.fake.addPlay('alice', { type: 'movie', trakt: 101 }, '2024-05-10T12:00:00Z');
    h.clock.advance(3_600_000);
    // Added later, but watched long ago: a start_at after its watched_at must not return it.
    await h.call('/sync/history', { body: { movies: [{ ids: { trakt: 102 }, watched_at: '2019-07-01T08:00:00Z' }] } });
    const recent = await (await h.call('/sync/history?start_at=2024-05-01T00:00:00.000Z')).json();
    expect(recent.map((p: { movie: { ids: { trakt: number } } }) => p.movie.ids.trakt)).toEqual([101]);
    const old = await (await h.call('/sync/history?start_at=2019-07-01&end_at=2019-07-02')).json();
    expect(old.map((p: { movie: { ids: { trakt: number } } }) => p.movie.ids.trakt)).toEqual([102]);
    const exact = await (await h.call('/sync/history?start_at=2024-05-10T12:00:00Z&end_at=2024-05-10T12:00:00Z')).json();
    expect(exact).toHaveLength(1);
    expect((await h.call('/sync/history?start_at=last-week')).status).toBe(400);
  });

  it('narrows by type and Trakt id (movies, shows, seasons, episodes)', async () => {
    h = await startHarness();
    for (const trakt of [3001, 3002, 3004]) h.fake.addPlay('alice', { type: 'episode', trakt }, '2024-01-01T00:00:00Z');
    h.fake.addPlay('alice', { type: 'movie', trakt: 103 }, '2024-01-01T00:00:00Z');
    const count = async (path: string) => (await (await h.call(path)).json()).length;
    expect(await count('/sync/history/shows/201')).toBe(3);
    expect(await count('/sync/history/episodes/3002')).toBe(1);
    expect(await count('/sync/history/movies')).toBe(1);
    expect(await count('/sync/history/episodes')).toBe(3);
    expect(await count('/sync/history/movies/104')).toBe(0);
    const season1 = h.fake.catalogue.shows.get(201)!.seasons.get(1)!.trakt;
    expect(await count(`/sync/history/seasons/${season1}`)).toBe(2);
  });
});

describe('Trakt emulator: POST /sync/history/remove', () => {
  it('removes by history id and by item, reporting unknown ids', async () => {
    h = await startHarness();
    const keep = h.fake.addPlay('alice', { type: 'movie', trakt: 101 }, '2024-01-01T00:00:00Z');
    const drop = h.fake.addPlay('alice', { type: 'movie', trakt: 101 }, '2024-01-02T00:00:00Z');
    h.fake.addPlay('alice', { type: 'episode', trakt: 3001 }, '2024-01-01T00:00:00Z');
    h.fake.addPlay('alice', { type: 'episode', trakt: 3001 }, '2024-01-03T00:00:00Z');
    const res = await h.call('/sync/history/remove', { body: { ids: [drop, 42], shows: [{ ids: { trakt: 201 }, seasons: [{ number: 1, episodes: [{ number: 1 }] }] }] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      deleted: { movies: 1, episodes: 2 },
      not_found: { movies: [], shows: [], seasons: [], episodes: [], ids: [42] },
    });
    expect(h.fake.plays('alice').map((p) => p.id)).toEqual([keep]);
    const watched = await (await h.call('/sync/watched/shows')).json();
    expect(watched).toEqual([]);
  });
});
