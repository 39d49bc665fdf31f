/** Pure parts of the history mirror and page: item mapping, cursors, ledger keys, chart months, initials. */
import { describe, expect, it } from 'vitest';
import { monthBuckets, monthRanges, niceMax } from '../../src/history/chart.js';
import { cursorOf, episodeCode, historyRowOf, parseCursor } from '../../src/history/map.js';
import { candidateKeys } from '../../src/history/provenance.js';
import { itemKey } from '../../src/ledger/item-key.js';
import { initials } from '../../views/history/poster.js';

const episodeItem = {
  id: 1982346,
  watched_at: '2014-03-31T09:28:53.000Z',
  action: 'scrobble',
  type: 'episode' as const,
  episode: { season: 2, number: 1, title: 'Pawnee Zoo', ids: { trakt: 251, tvdb: 797571, imdb: null, tmdb: 397629 } },
  show: { title: 'Parks and Recreation', year: 2009, ids: { trakt: 4, slug: 'parks-and-recreation', tvdb: 84912, imdb: 'tt1266020', tmdb: 8592 } },
};

describe('historyRowOf', () => {
  it('keeps the episode ids, the show ids and Trakt numbering', () => {
    expect(historyRowOf(3, episodeItem)).toMatchObject({
      account_id: 3, history_id: 1982346, watched_at: Date.parse('2014-03-31T09:28:53Z'), action: 'scrobble', type: 'episode',
      title: 'Parks and Recreation', year: 2009, season: 2, number: 1, episode_title: 'Pawnee Zoo',
      episode_trakt: 251, episode_tvdb: 797571, episode_imdb: null, episode_tmdb: 397629,
      show_trakt: 4, show_tvdb: 84912, show_imdb: 'tt1266020', show_tmdb: 8592, movie_tmdb: null,
    });
  });

  it('maps a movie, and refuses what it cannot show', () => {
    const movie = { id: 7, watched_at: '2020-01-01T00:00:00Z', action: 'watch', type: 'movie' as const, movie: { title: 'Heat', year: 1995, ids: { trakt: 1, imdb: 'tt0113277', tmdb: 949 } } };
    expect(historyRowOf(1, movie)).toMatchObject({ type: 'movie', title: 'Heat', year: 1995, movie_imdb: 'tt0113277', movie_tmdb: 949, show_tmdb: null, season: null });
    expect(historyRowOf(1, { ...movie, watched_at: 'yesterday' })).toBeUndefined();
    expect(historyRowOf(1, { ...movie, id: undefined as never })).toBeUndefined();
    expect(historyRowOf(1, { ...movie, type: 'season' as never })).toBeUndefined();
    expect(historyRowOf(1, { ...movie, movie: { ids: {} } })).toMatchObject({ title: 'Untitled movie', year: null, movie_tmdb: null });
  });
});

describe('cursors and codes', () => {
  it('round-trips a cursor and rejects anything else', () => {
    const c = cursorOf({ watched_at: 1_700_000_000_000, history_id: 9_876_543_210 });
    expect(parseCursor(c)).toEqual({ watchedAt: 1_700_000_000_000, historyId: 9_876_543_210 });
    for (const bad of [undefined, '', 'x.1', '1', '1.2.3', '1.-2', "1.2' OR 1=1", '99999999999999999.1']) expect(parseCursor(bad)).toBeUndefined();
  });

  it('writes S/E codes with two digits', () => {
    expect(episodeCode(1, 5)).toBe('S01E05');
    expect(episodeCode(12, 105)).toBe('S12E105');
    expect(episodeCode(null, null)).toBe('S??E??');
  });
});

describe('ledger item keys for a play', () => {
  it("contains the key the ledger derives from the same ids (src/ledger/item-key.ts)", () => {
    const row = historyRowOf(1, episodeItem)!;
    const keys = candidateKeys(row);
    expect(keys).toContain(itemKey({ type: 'episode', ids: { tvdb: 797571, tmdb: 397629 } }));
    expect(keys).toContain(itemKey({ type: 'episode', ids: {}, show: { imdb: 'tt1266020' }, season: 2, number: 1 }));
    expect(keys).toContain(itemKey({ type: 'episode', ids: {}, show: { tvdb: 84912 }, season: 2, number: 1 }));
    const movie = historyRowOf(1, { id: 1, watched_at: '2020-01-01T00:00:00Z', action: 'watch', type: 'movie', movie: { title: 'Heat', ids: { trakt: 1, tmdb: 949, imdb: null } } })!;
    expect(candidateKeys(movie)).toContain(itemKey({ type: 'movie', ids: { tmdb: 949 } }));
  });
});

describe('the monthly picture', () => {
  it('has 24 UTC months ending with the current one, zero-filled', () => {
    const now = Date.parse('2026-03-15T12:00:00Z');
    const months = monthRanges(now);
    expect(months).toHaveLength(24);
    expect(months[0]).toEqual({ month: '2024-04', range: [Date.parse('2024-04-01T00:00:00Z'), Date.parse('2024-05-01T00:00:00Z')] });
    expect(months.at(-1)!.month).toBe('2026-03');
    const b = monthBuckets(months, months.map((_, i) => ({ movies: i === 23 ? 2 : 0, episodes: i })));
    expect(b.at(-1)).toEqual({ month: '2026-03', movies: 2, episodes: 23 });
    expect(monthBuckets(months, [])[5]).toEqual({ month: '2024-09', movies: 0, episodes: 0 });
  });

  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 199, 201, 4999].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 200, 500, 5000]);
  });
});

describe('poster initials', () => {
  it('takes two meaningful words', () => {
    expect(initials('The Dark Knight')).toBe('DK');
    expect(initials('Parks and Recreation')).toBe('PA');
    expect(initials('Amélie')).toBe('A');
    expect(initials('2001: A Space Odyssey')).toBe('2S');
    expect(initials('!!!')).toBe('?');
  });
});
