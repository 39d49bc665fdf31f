import { describe, expect, it } from 'vitest';
import { EDGE_MOVIE_KEYS, EDGE_SHOW_KEYS, edgeItems, generateLibrary, iso, isEdgeKey } from './index.js';

describe('edge cases', () => {
  const lib = generateLibrary({ seed: 4 });
  const { movies, shows } = edgeItems(lib);

  it('are on by default for a small library, each kind present once, and off for a large one unless asked', () => {
    expect(Object.keys(movies).sort()).toEqual(Object.keys(EDGE_MOVIE_KEYS).sort());
    expect(Object.keys(shows).sort()).toEqual(Object.keys(EDGE_SHOW_KEYS).sort());
    const big = generateLibrary({ seed: 4, movies: 2_001, shows: 1, edgeCases: undefined });
    expect(big.movies.some((m) => isEdgeKey(m.key))).toBe(false);
    const off = generateLibrary({ seed: 4, edgeCases: false });
    expect([...off.movies, ...off.shows].some((i) => isEdgeKey(i.key))).toBe(false);
  });

  it('has a movie in two libraries, an edition, items without usable ids and items Trakt does not know', () => {
    expect(movies.twoSections!.sectionIds).toEqual([1, 2]);
    expect(movies.edition!.editions).toEqual(["Director's Cut"]);
    expect(movies.noIdLocal!.agent).toBe('local');
    expect(movies.noIdNone!.agent).toBe('none');
    expect(shows.noIdAnidb!.agent).toBe('hama-anidb');
    expect(shows.noIdLocal!.agent).toBe('local');
    expect(movies.traktUnknown!.traktId).toBeNull();
    expect(movies.miniSeries!.traktId).toBeNull();
    expect(movies.miniSeries!.title).toMatch(/Mini-Series/);
    expect(shows.traktUnknown!.traktId).toBeNull();
    expect(shows.traktUnknown!.episodes.every((e) => e.traktId === null)).toBe(true);
    const eps = shows.traktUnknownEpisode!.episodes;
    expect(shows.traktUnknownEpisode!.traktId).not.toBeNull();
    expect(eps.at(-1)!.traktId).toBeNull();
    expect(eps.slice(0, -1).every((e) => e.traktId !== null)).toBe(true);
    expect(movies.noImdb!.ids).toEqual({ tmdb: expect.any(Number) });
    // Watched in Plex: a sync has something to send for each of them.
    for (const m of [movies.twoSections, movies.edition, movies.noIdLocal, movies.traktUnknown, movies.miniSeries]) {
      expect(m!.plex.viewCount).toBe(1);
      expect(m!.trakt.plays).toEqual([]);
    }
  });

  it('has legacy agents on movies and shows, with the ids those agents need', () => {
    expect(movies.legacyImdb!.agent).toBe('legacy-imdb');
    expect(movies.legacyImdb!.ids.imdb).toMatch(/^tt/);
    expect(movies.legacyTmdb!.agent).toBe('legacy-tmdb');
    expect(shows.legacyTvdb!.agent).toBe('legacy-tvdb');
    expect(shows.legacyTvdb!.ids.tvdb).toBeGreaterThan(0);
    expect(shows.legacyTmdb!.agent).toBe('legacy-tmdb');
    expect(shows.hamaTvdb!.agent).toBe('hama-tvdb');
  });

  it('has specials, multi-episode files and episodes Trakt numbers differently', () => {
    const specials = shows.specials!.episodes.filter((e) => e.season === 0);
    expect(specials).toHaveLength(3);
    expect(specials.map((e) => [e.plex.viewCount, e.trakt.plays.length])).toEqual([[1, 0], [0, 1], [1, 1]]);

    const [e1, e2, e3, e4] = shows.multiEpisode!.episodes;
    expect(e1!.extraEpisodesInFile).toBe(1);
    expect(e4!.extraEpisodesInFile).toBe(2);
    expect(e3!.extraEpisodesInFile).toBeUndefined();
    expect(e1!.plex.lastViewedAt).toBe(e2!.plex.lastViewedAt); // one file, one play
    expect(e1!.plex.viewCount).toBe(1);

    const renumbered = shows.renumbered!.episodes;
    const s2 = renumbered.filter((e) => e.season === 2);
    expect(s2.map((e) => [e.traktSeason, e.traktNumber])).toEqual([[1, 6], [1, 7], [1, 8], [1, 9], [1, 10]]);
    expect(renumbered.filter((e) => e.season === 1).every((e) => e.traktSeason === undefined)).toBe(true);
    expect(s2.some((e) => e.plex.viewCount > 0 && e.trakt.plays.length === 0)).toBe(true);
    const both = s2.find((e) => e.plex.viewCount > 0 && e.trakt.plays.length > 0)!;
    expect(both.trakt.plays).toEqual([iso(both.plex.lastViewedAt!)]);
  });

  it('has a rewatched movie with its three plays on both sides', () => {
    const m = movies.rewatched!;
    expect(m.plex.viewCount).toBe(3);
    expect(m.trakt.plays).toHaveLength(3);
    expect(m.trakt.plays).toContain(iso(m.plex.lastViewedAt!));
  });

  it('leaves out the two-library movie when there is one movie section', () => {
    const one = generateLibrary({ seed: 4, sections: [{ id: 7, title: 'Films', type: 'movie', agent: 'com.plexapp.agents.imdb' }, { id: 8, title: 'TV', type: 'show', agent: 'com.plexapp.agents.thetvdb' }] });
    const e = edgeItems(one);
    expect(e.movies.twoSections).toBeUndefined();
    expect(e.movies.edition!.sectionIds).toEqual([7]);
    expect(e.shows.specials!.sectionId).toBe(8);
  });
});
