/** Identity from webhook metadata: guid forms, episode by own ids or show + numbers, multi-episode files. */
import { describe, expect, it } from 'vitest';
import { parseGuids } from '../../src/scrobble/guids.js';
import { identify } from '../../src/scrobble/identity.js';
import { metadataSchema } from '../../src/scrobble/payload.js';
import { bulkBody, scrobbleBody } from '../../src/scrobble/trakt-bodies.js';

describe('parseGuids', () => {
  it.each([
    ['plex://movie/5d77', ['imdb://tt0133093', 'tmdb://603'], { ids: { imdb: 'tt0133093', tmdb: 603 } }],
    ['com.plexapp.agents.imdb://tt0072684?lang=en', undefined, { ids: { imdb: 'tt0072684' } }],
    ['com.plexapp.agents.themoviedb://603?lang=en', undefined, { ids: { tmdb: 603 } }],
    ['com.plexapp.agents.thetvdb://73871/2/15?lang=en', undefined, { ids: {}, show: { tvdb: 73871 }, season: 2, episode: 15 }],
    ['com.plexapp.agents.hama://tvdb-81189/1/5?lang=en', undefined, { ids: {}, show: { tvdb: 81189 }, season: 1, episode: 5 }],
    ['com.plexapp.agents.hama://anidb-1234/1/5?lang=en', undefined, { ids: {} }],
    ['local://42', undefined, { ids: {} }],
    ['com.plexapp.agents.none://abc?lang=xn', undefined, { ids: {} }],
    ['tt0133093', undefined, { ids: { imdb: 'tt0133093' } }],
    ['plex://episode/1', ['imdb://nonsense', 'tvdb://x', 'tvdb://8530933'], { ids: { tvdb: 8530933 } }],
  ])('%s %j', (guid, list, expected) => {
    expect(parseGuids(guid, list)).toEqual(expected);
  });
});

const meta = (m: Record<string, unknown>) => metadataSchema.parse(m);

describe('identify', () => {
  const noShow = async () => null;
  it('a movie without external ids is unmatched with a sentence', async () => {
    const r = await identify(meta({ type: 'movie', title: 'Home Video', guid: 'local://9' }), noShow);
    expect(r).toEqual({ unmatched: expect.stringMatching(/No imdb, tmdb or tvdb id.*\.$/) });
  });

  it('an episode without its own ids uses the show ids fetched from Plex', async () => {
    const r = await identify(meta({ type: 'episode', guid: 'plex://episode/1', grandparentRatingKey: '77', parentIndex: 3, index: 4, grandparentTitle: 'Show' }), async (k) =>
      k === '77' ? { tvdb: 1234 } : null,
    );
    expect(r).toEqual({ refs: [{ type: 'episode', ids: {}, show: { tvdb: 1234 }, season: 3, number: 4 }], titles: ['Show · S03E04'] });
  });

  it('an episode with neither is unmatched', async () => {
    expect(await identify(meta({ type: 'episode', guid: 'plex://episode/1', parentIndex: 1, index: 1 }), noShow)).toHaveProperty('unmatched');
  });
});

describe('Trakt bodies', () => {
  it('scrobble bodies by movie ids, episode ids, or show + numbers', () => {
    expect(scrobbleBody({ type: 'movie', ids: { imdb: 'tt1', tmdb: 2 } }, 50)).toEqual({ movie: { ids: { imdb: 'tt1', tmdb: 2 } }, progress: 50 });
    expect(scrobbleBody({ type: 'episode', ids: { tvdb: 9 } }, 90)).toEqual({ episode: { ids: { tvdb: 9 } }, progress: 90 });
    expect(scrobbleBody({ type: 'episode', ids: {}, show: { tvdb: 5 }, season: 1, number: 2 }, 90)).toEqual({ show: { ids: { tvdb: 5 } }, episode: { season: 1, number: 2 }, progress: 90 });
  });

  it('a history body groups episodes by show and season', () => {
    const at = { watched_at: '2026-01-01T00:00:00.000Z' };
    expect(
      bulkBody(
        [
          { type: 'episode', ids: {}, show: { tvdb: 5 }, season: 1, number: 1 },
          { type: 'episode', ids: {}, show: { tvdb: 5 }, season: 1, number: 2 },
          { type: 'movie', ids: { imdb: 'tt1' } },
        ],
        at,
      ),
    ).toEqual({
      movies: [{ ids: { imdb: 'tt1' }, ...at }],
      shows: [{ ids: { tvdb: 5 }, seasons: [{ number: 1, episodes: [{ number: 1, ...at }, { number: 2, ...at }] }] }],
    });
  });
});
