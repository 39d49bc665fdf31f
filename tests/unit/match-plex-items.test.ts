/** Table-driven matching: every agent style and the awkward cases, ids only. */
import { describe, expect, it } from 'vitest';
import { matchPlexItem, REASONS } from '../../src/sync/match.js';
import type { PlexMeta } from '../../src/sync/ports.js';
import type { ExternalIds } from '../../src/ledger/item-key.js';

interface Case {
  name: string;
  meta: Partial<PlexMeta> & { type: string };
  show?: ExternalIds;
  key?: string;
  reason?: string;
  season?: number;
  number?: number;
}

const g = (...ids: string[]) => ids.map((id) => ({ id }));
const MOD = 'plex://movie/5d7768ba96b655001fdc0408';
const MODE = 'plex://episode/5d9c086c46115600200aa2fe';

const cases: Case[] = [
  // modern movies
  { name: 'modern movie with imdb+tmdb', meta: { type: 'movie', guid: MOD, Guid: g('imdb://tt0133093', 'tmdb://603') }, key: 'movie:imdb:tt0133093' },
  { name: 'modern movie with tmdb only', meta: { type: 'movie', guid: MOD, Guid: g('tmdb://603') }, key: 'movie:tmdb:603' },
  { name: 'modern movie with all three ids', meta: { type: 'movie', guid: MOD, Guid: g('tvdb://1', 'tmdb://603', 'imdb://tt0133093') }, key: 'movie:imdb:tt0133093' },
  { name: 'modern movie without Guid[] (not refreshed)', meta: { type: 'movie', guid: MOD }, reason: REASONS.noIds },
  { name: 'modern movie with empty Guid[]', meta: { type: 'movie', guid: MOD, Guid: [] }, reason: REASONS.noIds },
  { name: 'modern movie with malformed ids only', meta: { type: 'movie', guid: MOD, Guid: g('imdb://nope', 'tmdb://abc') }, reason: REASONS.noIds },
  { name: 'mini-series in a movie library (tvdb only)', meta: { type: 'movie', guid: MOD, Guid: g('tvdb://81189') }, reason: REASONS.miniSeries },
  // editions: two Plex items, one identity
  { name: 'edition 1 of a movie', meta: { type: 'movie', guid: MOD, editionTitle: "Director's Cut", Guid: g('imdb://tt0083658', 'tmdb://78') }, key: 'movie:imdb:tt0083658' },
  { name: 'edition 2 of the same movie', meta: { type: 'movie', guid: 'plex://movie/other', editionTitle: 'Final Cut', Guid: g('tmdb://78', 'imdb://tt0083658') }, key: 'movie:imdb:tt0083658' },
  // legacy movies
  { name: 'legacy imdb agent', meta: { type: 'movie', guid: 'com.plexapp.agents.imdb://tt0072684?lang=en' }, key: 'movie:imdb:tt0072684' },
  { name: 'legacy themoviedb agent', meta: { type: 'movie', guid: 'com.plexapp.agents.themoviedb://550?lang=en' }, key: 'movie:tmdb:550' },
  { name: 'very old bare tt guid', meta: { type: 'movie', guid: 'tt0111161' }, key: 'movie:imdb:tt0111161' },
  { name: 'legacy movie with Guid[] too prefers imdb', meta: { type: 'movie', guid: 'com.plexapp.agents.themoviedb://550?lang=en', Guid: g('imdb://tt0137523') }, key: 'movie:imdb:tt0137523' },
  { name: 'local movie', meta: { type: 'movie', guid: 'local://1234' }, reason: REASONS.local },
  { name: 'personal media (none) movie', meta: { type: 'movie', guid: 'com.plexapp.agents.none://a1b2c3?lang=xn' }, reason: REASONS.none },
  { name: 'xbmcnfo agent without ids', meta: { type: 'movie', guid: 'com.plexapp.agents.xbmcnfo://999?lang=en' }, reason: REASONS.unknownAgent('xbmcnfo') },
  { name: 'no guid at all', meta: { type: 'movie' }, reason: REASONS.noIds },
  // shows (for ratings)
  { name: 'modern show', meta: { type: 'show', guid: 'plex://show/5d9c086c', Guid: g('tvdb://81189', 'imdb://tt0903747') }, key: 'show:tvdb:81189' },
  { name: 'legacy thetvdb show', meta: { type: 'show', guid: 'com.plexapp.agents.thetvdb://81189?lang=en' }, key: 'show:tvdb:81189' },
  { name: 'hama anidb show', meta: { type: 'show', guid: 'com.plexapp.agents.hama://anidb-17494?lang=en' }, reason: REASONS.anidb },
  // modern episodes: their own ids
  { name: 'modern episode with tvdb+tmdb+imdb', meta: { type: 'episode', guid: MODE, parentIndex: 1, index: 1, Guid: g('imdb://tt0959621', 'tmdb://62085', 'tvdb://349232') }, show: { tvdb: 81189 }, key: 'episode:tvdb:349232' },
  { name: 'modern episode with tmdb only', meta: { type: 'episode', guid: MODE, parentIndex: 2, index: 3, Guid: g('tmdb://62099') }, show: { tvdb: 81189 }, key: 'episode:tmdb:62099' },
  { name: 'modern special (season 0) with ids', meta: { type: 'episode', guid: MODE, parentIndex: 0, index: 2, Guid: g('tvdb://1000002') }, show: { tvdb: 81189 }, key: 'episode:tvdb:1000002', season: 0, number: 2 },
  { name: 'episode numbered differently from its ids keeps its ids', meta: { type: 'episode', guid: MODE, parentIndex: 1, index: 27, Guid: g('tvdb://555') }, show: { tvdb: 79824 }, key: 'episode:tvdb:555', season: 1, number: 27 },
  { name: 'modern episode without ids falls back to the show + numbering', meta: { type: 'episode', guid: MODE, parentIndex: 3, index: 4 }, show: { tvdb: 81189, imdb: 'tt0903747' }, key: 'episode:show:imdb:tt0903747:s3e4' },
  { name: 'modern special without ids uses season 0', meta: { type: 'episode', guid: MODE, parentIndex: 0, index: 1 }, show: { tmdb: 1396 }, key: 'episode:show:tmdb:1396:s0e1' },
  { name: 'modern episode without ids and a show without ids', meta: { type: 'episode', guid: MODE, parentIndex: 1, index: 1 }, show: {}, reason: REASONS.noShowIds },
  { name: 'modern episode without ids or numbering', meta: { type: 'episode', guid: MODE }, show: { tvdb: 81189 }, reason: REASONS.noNumbering },
  // legacy / hama episodes
  { name: 'legacy thetvdb episode', meta: { type: 'episode', guid: 'com.plexapp.agents.thetvdb://73871/2/15?lang=en' }, key: 'episode:show:tvdb:73871:s2e15', season: 2, number: 15 },
  { name: 'legacy thetvdb special', meta: { type: 'episode', guid: 'com.plexapp.agents.thetvdb://73871/0/3?lang=en' }, key: 'episode:show:tvdb:73871:s0e3', season: 0, number: 3 },
  { name: 'legacy themoviedb episode', meta: { type: 'episode', guid: 'com.plexapp.agents.themoviedb://1396/1/2?lang=en' }, key: 'episode:show:tmdb:1396:s1e2' },
  { name: 'hama tvdb episode', meta: { type: 'episode', guid: 'com.plexapp.agents.hama://tvdb-289882/4/22?lang=en' }, key: 'episode:show:tvdb:289882:s4e22' },
  { name: 'hama tvdb2 variant', meta: { type: 'episode', guid: 'com.plexapp.agents.hama://tvdb2-289882/1/3?lang=en' }, key: 'episode:show:tvdb:289882:s1e3' },
  { name: 'hama anidb episode', meta: { type: 'episode', guid: 'com.plexapp.agents.hama://anidb-17494/1/7?lang=en' }, reason: REASONS.anidb },
  { name: 'local episode', meta: { type: 'episode', guid: 'local://77', parentIndex: 1, index: 1 }, show: {}, reason: REASONS.local },
  { name: 'personal media episode', meta: { type: 'episode', guid: 'com.plexapp.agents.none://abc/1/1?lang=xn' }, show: {}, reason: REASONS.none },
  { name: 'legacy episode in a local show keeps its own guid ids', meta: { type: 'episode', guid: 'com.plexapp.agents.thetvdb://81189/1/1?lang=en' }, show: {}, key: 'episode:show:tvdb:81189:s1e1' },
  // multi-episode files: Plex lists each episode of the file as its own item
  { name: 'multi-episode file, first episode', meta: { type: 'episode', guid: MODE, parentIndex: 1, index: 1, Guid: g('tvdb://9001') }, show: { tvdb: 1 }, key: 'episode:tvdb:9001' },
  { name: 'multi-episode file, second episode', meta: { type: 'episode', guid: MODE, parentIndex: 1, index: 2, Guid: g('tvdb://9002') }, show: { tvdb: 1 }, key: 'episode:tvdb:9002' },
  { name: 'a music track is not synced', meta: { type: 'track', guid: 'plex://track/1' }, reason: 'Plex item type "track" is not synced.' },
];

describe('matchPlexItem', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const c of cases) {
    it(c.name, () => {
      const r = matchPlexItem({ ratingKey: '1', ...c.meta } as PlexMeta, c.show);
      expect(r.reason).toBe(c.reason);
      expect(r.itemKey).toBe(c.key);
      if (c.key) expect(r.idsHash).toMatch(/^[\w-]{16}$/);
      if (c.season !== undefined) expect(r.season).toBe(c.season);
      if (c.number !== undefined) expect(r.number).toBe(c.number);
    });
  }
  it('never uses the title', () => {
    const a = matchPlexItem({ ratingKey: '1', type: 'movie', title: 'The Matrix', guid: MOD, Guid: g('imdb://tt0133093') });
    const b = matchPlexItem({ ratingKey: '2', type: 'movie', title: 'Something Else', guid: MOD, Guid: g('imdb://tt0133093') });
    const c = matchPlexItem({ ratingKey: '3', type: 'movie', title: 'The Matrix', guid: 'local://3' });
    expect(a.itemKey).toBe(b.itemKey);
    expect(c.itemKey).toBeUndefined();
  });
  it('changed ids change the ids hash (not_found is retried)', () => {
    const a = matchPlexItem({ ratingKey: '1', type: 'movie', guid: MOD, Guid: g('imdb://tt0133093') });
    const b = matchPlexItem({ ratingKey: '1', type: 'movie', guid: MOD, Guid: g('imdb://tt0133093', 'tmdb://603') });
    expect(a.itemKey).toBe(b.itemKey);
    expect(a.idsHash).not.toBe(b.idsHash);
  });
});
