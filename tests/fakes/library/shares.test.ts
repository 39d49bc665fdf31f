import { describe, expect, it } from 'vitest';
import { DEFAULT_RATINGS, DEFAULT_WATCHED, describeLibrary, generateLibrary } from './index.js';

const TOLERANCE = 0.02;

describe('watch and rating shares', () => {
  const lib = generateLibrary({ seed: 8, movies: 10_000, shows: 300, episodes: 10_000, edgeCases: false });
  const d = describeLibrary(lib);

  it('match the default shares within ±2 points for movies and episodes', () => {
    for (const c of [d.movies, d.episodes]) {
      const share = (n: number) => n / c.total;
      const w = DEFAULT_WATCHED;
      expect(share(c.plexOnly)).toBeCloseTo(w.plexOnly, 1);
      expect(Math.abs(share(c.plexOnly) - w.plexOnly)).toBeLessThan(TOLERANCE);
      expect(Math.abs(share(c.traktOnly) - w.traktOnly)).toBeLessThan(TOLERANCE);
      expect(Math.abs(share(c.bothSameTime) - w.bothSameTime)).toBeLessThan(TOLERANCE);
      expect(Math.abs(share(c.both - c.bothSameTime) - w.bothDifferentTime)).toBeLessThan(TOLERANCE);
      expect(Math.abs(share(c.inProgress) - w.inProgress)).toBeLessThan(TOLERANCE);
    }
    const r = DEFAULT_RATINGS;
    const m = d.movies;
    expect(Math.abs(m.ratingConflicts / m.total - r.conflicting)).toBeLessThan(TOLERANCE);
    expect(Math.abs((m.ratedBoth - m.ratingConflicts) / m.total - r.bothSame)).toBeLessThan(TOLERANCE);
    expect(Math.abs((m.plexRated - m.ratedBoth) / m.total - r.plexOnly)).toBeLessThan(TOLERANCE);
    expect(Math.abs((m.traktRated - m.ratedBoth) / m.total - r.traktOnly)).toBeLessThan(TOLERANCE);
    expect(d.episodes.plexRated).toBeLessThan(d.movies.plexRated); // people rate few episodes
  });

  it('keeps in-progress items unwatched with a position, and watched items with a view count', () => {
    const inProgress = lib.movies.filter((m) => m.plex.viewOffsetMs !== undefined);
    expect(inProgress.length).toBeGreaterThan(100);
    expect(inProgress.every((m) => m.plex.viewCount === 0 && m.trakt.plays.length === 0)).toBe(true);
    expect(lib.movies.filter((m) => m.plex.viewCount > 1).length).toBeGreaterThan(100); // rewatches
  });

  it('follows custom shares, including all or nothing', () => {
    const all = describeLibrary(generateLibrary({ seed: 2, movies: 500, shows: 5, edgeCases: false, watched: { plexOnly: 1, traktOnly: 0, bothSameTime: 0, bothDifferentTime: 0, inProgress: 0 } }));
    expect(all.movies.plexOnly).toBe(500);
    expect(all.episodes.plexOnly).toBe(all.episodes.total);
    const none = describeLibrary(generateLibrary({ seed: 2, movies: 500, shows: 5, edgeCases: false, watched: { plexOnly: 0, traktOnly: 0, bothSameTime: 0, bothDifferentTime: 0, inProgress: 0 }, ratings: { plexOnly: 0, traktOnly: 0, bothSame: 0, conflicting: 0.5 } }));
    expect(none.movies.neither).toBe(500);
    expect(Math.abs(none.movies.ratingConflicts / 500 - 0.5)).toBeLessThan(0.08);
    expect(none.movies.plexRated).toBe(none.movies.ratingConflicts);
  });

  it('puts a share of ordinary items on legacy agents and a few movies in both movie sections', () => {
    const legacy = d.agents['legacy-imdb'] + d.agents['legacy-tmdb'] + d.agents['legacy-tvdb'] + d.agents['hama-tvdb'];
    expect(Math.abs(legacy / (d.movies.total + d.shows) - 0.1)).toBeLessThan(TOLERANCE);
    expect(d.agents['legacy-imdb']).toBeGreaterThan(0);
    expect(d.agents['legacy-tvdb'] + d.agents['hama-tvdb']).toBeGreaterThan(0);
    const twice = lib.movies.filter((m) => m.sectionIds.length === 2).length;
    expect(Math.abs(twice / d.movies.total - 0.02)).toBeLessThan(0.01);
  });
});
