import { describe, expect, it } from 'vitest';
import { describeLibrary, generateLibrary } from './index.js';
import { allIds, duplicates } from './test-support.js';

describe('a benchmark-sized library', () => {
  it('generates 10k movies, 3k shows and 100k episodes with unique ids (time printed)', () => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const lib = generateLibrary({ seed: 100, movies: 10_000, shows: 3_000, episodes: 100_000, edgeCases: true });
    const used = process.cpuUsage(cpu);
    const ms = performance.now() - started;
    // Printed, not asserted: shared machines make wall time noisy.
    console.log(`generateLibrary 10k movies + 3k shows + 100k episodes: ${ms.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
    const d = describeLibrary(lib);
    expect(d.movies.total).toBe(10_000);
    expect(d.shows).toBe(3_000);
    expect(d.episodes.total).toBe(100_000);
    const ids = allIds(lib);
    expect(duplicates(ids.imdb)).toEqual([]);
    expect(duplicates(ids.tmdb)).toEqual([]);
    expect(duplicates(ids.tvdb)).toEqual([]);
    expect(duplicates(ids.trakt)).toEqual([]);
    expect(duplicates(ids.keys)).toEqual([]);
  });
});
