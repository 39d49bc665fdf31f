import { describe, expect, it } from 'vitest';
import { parsePlexGuids, UNMATCHED, type GuidParse } from '../../src/plex/guid.js';

type Case = [name: string, item: Parameters<typeof parsePlexGuids>[0], expected: Partial<GuidParse>];

const cases: Case[] = [
  // Modern agents: ids only in Guid[]; an episode's ids are its own.
  ['modern movie', { guid: 'plex://movie/5d7768ba96b655001fdc0408', Guid: [{ id: 'imdb://tt0133093' }, { id: 'tmdb://603' }, { id: 'tvdb://169' }] }, { agent: 'plex', ids: { imdb: 'tt0133093', tmdb: 603, tvdb: 169 } }],
  ['modern episode (own ids)', { guid: 'plex://episode/615580a9fa828e7f1a0caabd', Guid: [{ id: 'imdb://tt14765720' }, { id: 'tmdb://3087250' }, { id: 'tvdb://8530933' }] }, { agent: 'plex', ids: { imdb: 'tt14765720', tmdb: 3087250, tvdb: 8530933 } }],
  ['modern show, tvdb only', { guid: 'plex://show/60e81fd8d8000e002d7d2976', Guid: [{ id: 'tvdb://81189' }] }, { ids: { tvdb: 81189 } }],
  ['modern without Guid[]', { guid: 'plex://movie/5d7768ba96b655001fdc0408' }, { agent: 'plex', ids: {}, unmatchedReason: UNMATCHED.noIds }],
  ['modern with empty Guid[]', { guid: 'plex://episode/abc', Guid: [] }, { ids: {}, unmatchedReason: UNMATCHED.noIds }],
  ['Guid[] as strings', { guid: 'plex://movie/x', Guid: ['imdb://tt0111161', 'tmdb://278'] }, { ids: { imdb: 'tt0111161', tmdb: 278 } }],
  ['Guid[] junk values ignored', { guid: 'plex://movie/x', Guid: [{ id: 'imdb://nope' }, { id: 'tmdb://-3' }, { id: 'tvdb://0' }, { id: 'tmdb://12' }] }, { ids: { tmdb: 12 } }],
  ['Guid[] unknown providers ignored', { guid: 'plex://movie/x', Guid: [{ id: 'youtube://abc' }] }, { ids: {}, unmatchedReason: UNMATCHED.noIds }],
  // Legacy agents.
  ['legacy imdb movie', { guid: 'com.plexapp.agents.imdb://tt0072684?lang=en' }, { agent: 'imdb', ids: { imdb: 'tt0072684' } }],
  ['legacy themoviedb movie', { guid: 'com.plexapp.agents.themoviedb://603?lang=en' }, { agent: 'tmdb', ids: { tmdb: 603 } }],
  ['legacy themoviedb episode', { guid: 'com.plexapp.agents.themoviedb://1399/1/3?lang=en' }, { agent: 'tmdb', ids: {}, showIds: { tmdb: 1399 }, season: 1, episode: 3 }],
  ['legacy thetvdb episode', { guid: 'com.plexapp.agents.thetvdb://73871/2/15?lang=en' }, { agent: 'tvdb', ids: {}, showIds: { tvdb: 73871 }, season: 2, episode: 15 }],
  ['legacy thetvdb season 0 special', { guid: 'com.plexapp.agents.thetvdb://73871/0/1?lang=en' }, { showIds: { tvdb: 73871 }, season: 0, episode: 1 }],
  ['legacy thetvdb show', { guid: 'com.plexapp.agents.thetvdb://73871?lang=en' }, { ids: { tvdb: 73871 } }],
  ['legacy episode, Guid[] wins for own ids', { guid: 'com.plexapp.agents.thetvdb://73871/2/15?lang=en', Guid: [{ id: 'tvdb://1234567' }] }, { ids: { tvdb: 1234567 }, showIds: { tvdb: 73871 }, season: 2, episode: 15 }],
  ['legacy thetvdb, bad numbering', { guid: 'com.plexapp.agents.thetvdb://73871/x/15' }, { ids: {}, unmatchedReason: UNMATCHED.noIds }],
  ['legacy imdb bad id', { guid: 'com.plexapp.agents.imdb://12345?lang=en' }, { ids: {}, unmatchedReason: UNMATCHED.noIds }],
  ['bare imdb', { guid: 'tt0099685' }, { agent: 'imdb', ids: { imdb: 'tt0099685' } }],
  ['short scheme imdb', { guid: 'imdb://tt0099685' }, { ids: { imdb: 'tt0099685' } }],
  // HAMA (anime).
  ['hama tvdb episode', { guid: 'com.plexapp.agents.hama://tvdb-289882/4/22?lang=en' }, { agent: 'hama', showIds: { tvdb: 289882 }, season: 4, episode: 22 }],
  ['hama tvdb2 episode', { guid: 'com.plexapp.agents.hama://tvdb2-81797/1/5?lang=en' }, { showIds: { tvdb: 81797 }, season: 1, episode: 5 }],
  ['hama tvdb5 episode', { guid: 'com.plexapp.agents.hama://tvdb5-81797/1/1000?lang=en' }, { showIds: { tvdb: 81797 }, season: 1, episode: 1000 }],
  ['hama tvdb show', { guid: 'com.plexapp.agents.hama://tvdb-289882?lang=en' }, { ids: { tvdb: 289882 } }],
  ['hama anidb', { guid: 'com.plexapp.agents.hama://anidb-17494/1/7?lang=en' }, { agent: 'hama', ids: {}, unmatchedReason: UNMATCHED.anidb }],
  ['hama anidb2', { guid: 'com.plexapp.agents.hama://anidb2-17494?lang=en' }, { unmatchedReason: UNMATCHED.anidb }],
  // No external id.
  ['local', { guid: 'local://12345' }, { agent: 'local', ids: {}, unmatchedReason: UNMATCHED.local }],
  ['agents.none', { guid: 'com.plexapp.agents.none://a1b2c3?lang=xn' }, { agent: 'none', unmatchedReason: UNMATCHED.none }],
  ['tv.plex.agents.none', { guid: 'tv.plex.agents.none://42' }, { agent: 'none', unmatchedReason: UNMATCHED.none }],
  ['missing guid', {}, { agent: 'missing', ids: {}, unmatchedReason: UNMATCHED.missing }],
  ['null guid', { guid: null, Guid: null }, { unmatchedReason: UNMATCHED.missing }],
  ['not a guid', { guid: 'hello world' }, { agent: 'unknown', unmatchedReason: UNMATCHED.noIds }],
  // xbmcnfo: IMDb ids are unambiguous, numbers are not.
  ['xbmcnfo imdb', { guid: 'com.plexapp.agents.xbmcnfo://tt0120737?lang=xn' }, { agent: 'xbmcnfo', ids: { imdb: 'tt0120737' } }],
  ['xbmcnfo number', { guid: 'com.plexapp.agents.xbmcnfo://120?lang=xn' }, { unmatchedReason: UNMATCHED.xbmcnfo }],
  ['xbmcnfotv number', { guid: 'com.plexapp.agents.xbmcnfotv://81189/1/1?lang=xn' }, { agent: 'xbmcnfotv', unmatchedReason: UNMATCHED.xbmcnfo }],
  // Music and others.
  ['plexmusic', { guid: 'com.plexapp.agents.plexmusic://gracenote/track/abc?lang=en' }, { agent: 'plexmusic', unmatchedReason: UNMATCHED.unknown('plexmusic') }],
  ['lastfm', { guid: 'com.plexapp.agents.lastfm://Artist/Album?lang=en' }, { unmatchedReason: UNMATCHED.unknown('lastfm') }],
  ['youtube', { guid: 'com.plexapp.agents.youtube://dQw4w9WgXcQ' }, { unmatchedReason: UNMATCHED.unknown('youtube') }],
  ['xmltv', { guid: 'tv.plex.xmltv://abc' }, { agent: 'tv.plex.xmltv', unmatchedReason: UNMATCHED.unknown('tv.plex.xmltv') }],
  ['tv.plex.agents.music', { guid: 'tv.plex.agents.music://x' }, { agent: 'music', unmatchedReason: UNMATCHED.unknown('music') }],
  ['local agent but Guid[] has ids', { guid: 'local://5', Guid: [{ id: 'tmdb://550' }] }, { ids: { tmdb: 550 }, unmatchedReason: undefined }],
];

describe('parsePlexGuids', () => {
  it.each(cases)('%s', (_name, item, expected) => {
    const got = parsePlexGuids(item);
    for (const [k, v] of Object.entries(expected)) expect(got[k as keyof GuidParse], k).toEqual(v);
    if (!('unmatchedReason' in expected)) expect(got.unmatchedReason).toBeUndefined();
  });

  it('says what to do next in every reason', () => {
    for (const [, item] of cases) {
      const r = parsePlexGuids(item).unmatchedReason;
      if (r) expect(r).toMatch(/\.$/);
    }
  });
});
