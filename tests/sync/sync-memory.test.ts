/**
 * What keeps a large sync small (issue 18): Trakt's lists go to SQLite page by page and replace
 * the mirror only when every page was read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorTrakt } from '../../src/sync/mirror-trakt.js';
import type { SyncTrakt, TraktResponse } from '../../src/sync/ports.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

const movie = (n: number) => ({ plays: 1, last_watched_at: '2024-01-01T00:00:00.000Z', movie: { title: `M${n}`, ids: { trakt: n, imdb: `tt${1_000_000 + n}`, tmdb: n } } });

/** A Trakt whose watched-movies list has `pages` pages of 250; page `failAt` answers 502. */
function pagedTrakt(pages: number, failAt?: number): SyncTrakt & { gets: string[] } {
  const gets: string[] = [];
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}): TraktResponse => ({ status, body, headers });
  return {
    accountId: 1,
    gets,
    probe: undefined as never,
    post: async () => answer(500, null),
    get: async (path: string) => {
      gets.push(path);
      if (path.startsWith('/sync/last_activities')) return answer(200, { movies: { watched_at: '2024-01-02T00:00:00.000Z' }, episodes: {}, shows: {} }, { date: new Date().toUTCString() });
      if (path.startsWith('/sync/watched/movies')) {
        const page = Number(/page=(\d+)/.exec(path)![1]);
        if (page === failAt) return answer(502, 'Bad Gateway');
        return answer(200, Array.from({ length: 250 }, (_, i) => movie((page - 1) * 250 + i + 1)), { 'x-pagination-page-count': String(pages) });
      }
      return answer(200, []);
    },
  };
}

const watchedMovies = (c: TestContext) => (c.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM trakt_watched WHERE account_id = 1 AND kind = 'movie'`).get() as { n: number }).n;

describe('Trakt lists stream into SQLite', () => {
  it('every page lands in the mirror', async () => {
    ctx = await makeTestContext();
    const res = await mirrorTrakt(ctx.deps.sqlite, pagedTrakt(4), { full: true });
    expect(res.watchedRows).toBe(1000);
    expect(watchedMovies(ctx)).toBe(1000);
  });

  it('a read that fails half-way leaves the mirror as it was (no half list)', async () => {
    ctx = await makeTestContext();
    await mirrorTrakt(ctx.deps.sqlite, pagedTrakt(2), { full: true });
    expect(watchedMovies(ctx)).toBe(500);
    await expect(mirrorTrakt(ctx.deps.sqlite, pagedTrakt(4, 3), { full: true })).rejects.toThrow(/502/);
    expect(watchedMovies(ctx)).toBe(500);
    // And the next complete read replaces it whole.
    await mirrorTrakt(ctx.deps.sqlite, pagedTrakt(3), { full: true });
    expect(watchedMovies(ctx)).toBe(750);
  });
});
