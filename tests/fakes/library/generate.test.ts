import { describe, expect, it } from 'vitest';
import { DEFAULT_NOW, describeLibrary, generateLibrary } from './index.js';
import { allIds, duplicates } from './test-support.js';

const YEARS_3 = 3 * 365 * 86_400;

describe('generateLibrary', () => {
  it('gives the identical library for the same seed and options, and another for another seed', () => {
    const opts = { movies: 600, shows: 60, episodesPerShow: [2, 30] as [number, number] };
    const a = JSON.stringify(generateLibrary({ seed: 42, ...opts }));
    const b = JSON.stringify(generateLibrary({ seed: 42, ...opts }));
    const c = JSON.stringify(generateLibrary({ seed: 43, ...opts }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('makes exactly the sizes asked for, edge cases included', () => {
    const lib = generateLibrary({ seed: 3, movies: 500, shows: 60, episodes: 2_345, edgeCases: true });
    const d = describeLibrary(lib);
    expect(lib.movies).toHaveLength(500);
    expect(lib.shows).toHaveLength(60);
    expect(d.episodes.total).toBe(2_345);
    expect(d.edgeItems).toBeGreaterThan(10);
    for (const s of lib.shows) expect(s.episodes.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps episodes per show in the range when no total is given', () => {
    const lib = generateLibrary({ seed: 5, shows: 200, episodesPerShow: [4, 9], edgeCases: false });
    const lengths = lib.shows.map((s) => s.episodes.length);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(9);
    expect(new Set(lengths).size).toBeGreaterThan(3);
  });

  it('grows a library too small for the edge cases rather than dropping them', () => {
    const lib = generateLibrary({ seed: 1, movies: 2, shows: 1, edgeCases: true });
    expect(lib.movies.length).toBeGreaterThan(2);
    expect(lib.shows.length).toBeGreaterThan(1);
    expect(lib.movies.every((m) => m.key.startsWith('edge-'))).toBe(true);
  });

  it('has the owner as account 1, other accounts, two movie sections and one show section by default', () => {
    const lib = generateLibrary({ seed: 9 });
    expect(lib.owner).toEqual({ plexAccountId: 1, plexUsername: 'alice', traktUsername: 'alice' });
    expect(lib.otherAccounts.map((a) => a.plexUsername)).toEqual(['bob', 'carol']);
    expect(lib.otherAccounts.every((a) => a.plexAccountId > 1)).toBe(true);
    expect(lib.sections.map((s) => s.type)).toEqual(['movie', 'movie', 'show']);
    expect(lib.machineIdentifier).toMatch(/^[0-9a-f]{40}$/);
    const sectionIds = new Set(lib.sections.map((s) => s.id));
    for (const m of lib.movies) for (const id of m.sectionIds) expect(sectionIds.has(id)).toBe(true);
    expect(new Set(lib.movies.flatMap((m) => m.sectionIds)).size).toBe(2);
  });

  it('uses realistic value formats', () => {
    const lib = generateLibrary({ seed: 11, movies: 800, shows: 40 });
    const ids = allIds(lib);
    // Collected, then asserted once: thousands of expect() calls would make the test slow.
    const bad: unknown[] = [];
    const check = (ok: boolean, what: unknown) => void (ok || bad.push(what));
    for (const imdb of ids.imdb) check(/^tt\d{7,8}$/.test(imdb), imdb);
    expect(ids.imdb.some((i) => i.length === 10)).toBe(true); // 8 digits
    for (const p of ids.posters) check(/^\/[A-Za-z0-9]{27}\.jpg$/.test(p), p);
    for (const n of [...ids.tmdb, ...ids.tvdb, ...ids.trakt]) check(Number.isInteger(n) && n > 0, n);
    const rating = (r: number | undefined) => r === undefined || (Number.isInteger(r) && r >= 1 && r <= 10);
    for (const it of [...lib.movies, ...lib.shows.flatMap((s) => s.episodes)]) {
      const { lastViewedAt, userRating, viewOffsetMs } = it.plex;
      check(it.durationMs > 10 * 60_000, it.key);
      check(lastViewedAt === null || (Number.isInteger(lastViewedAt) && lastViewedAt < DEFAULT_NOW && lastViewedAt > DEFAULT_NOW - YEARS_3 - 400 * 86_400), it.key);
      check(rating(userRating) && rating(it.trakt.rating), it.key);
      check(viewOffsetMs === undefined || viewOffsetMs < it.durationMs, it.key);
      for (const play of it.trakt.plays) check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(play), play);
      check(it.trakt.rating === undefined || /\.000Z$/.test(it.trakt.ratedAt ?? ''), it.key);
    }
    for (const m of lib.movies) check(m.year >= 1950 && m.year <= 2026, m.key);
    expect(bad).toEqual([]);
    expect(lib.movies.some((m) => m.plex.userRating !== undefined && m.plex.userRating % 2 === 1)).toBe(true); // half stars
  });

  it('gives every id and key once across movies, shows and episodes', () => {
    const ids = allIds(generateLibrary({ seed: 21, movies: 3_000, shows: 200, episodes: 8_000, edgeCases: true }));
    for (const list of Object.values(ids)) expect(duplicates(list as unknown[])).toEqual([]);
    expect(ids.keys.length).toBe(3_000 + 200 + 8_000);
  });

  it('refuses options it cannot honour, with the option named', () => {
    expect(() => generateLibrary({ movies: 20_001 })).toThrow(/movies/);
    expect(() => generateLibrary({ watched: { plexOnly: 0.7, traktOnly: 0.5 } })).toThrow(/watched/);
    expect(() => generateLibrary({ episodesPerShow: [5, 2] })).toThrow(/episodesPerShow/);
    expect(() => generateLibrary({ shows: 10_000, episodesPerShow: [1, 40] })).toThrow(/episodes/);
  });
});
