/**
 * What keeps a large sync small (issue 18): Trakt's lists go to SQLite page by page and replace
 * the mirror only when every page was read; the plan is a TEMP table read back in chunks, plays in
 * watched order (ties in planned order, across chunk boundaries).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorTrakt } from '../../src/sync/mirror-trakt.js';
import { addPlanRows, planCount, planSource, resetPlanTable } from '../../src/sync/plan-store.js';
import type { Row } from '../../src/sync/plan-sql.js';
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

describe('the plan table', () => {
  const row = (n: number, lastViewedAt: number | null): Row =>
    ({ type: 'movie', item_key: `k${n}`, ids_hash: null, title: `T${n}`, show_title: null, rating_key: String(n), imdb: `tt${n}`, tmdb: n, tvdb: null,
      show_imdb: null, show_tmdb: null, show_tvdb: null, season: null, number: null, trakt_season: null, trakt_number: null, last_viewed_at: lastViewedAt, user_rating: null }) as Row;

  it('reads plays back in watched order, ties in planned order, across chunk boundaries', async () => {
    ctx = await makeTestContext();
    const sqlite = ctx.deps.sqlite;
    resetPlanTable(sqlite);
    // Planned order k1..k7; watched times out of order with ties that straddle chunks of 2.
    const times = [300, 100, 100, 100, 200, null, 100];
    sqlite.transaction(() => {
      times.forEach((t, i) => sqlite.prepare(`INSERT INTO temp.sync_plan (list, sort_at, item_key, type, title, rating_key, last_viewed_at) VALUES ('toTrakt', ?, ?, 'movie', ?, ?, ?)`).run(t ?? 0, `k${i + 1}`, `T${i + 1}`, String(i + 1), t));
    })();
    addPlanRows(sqlite, 'toPlex', [row(8, 5), row(9, 1)]);
    const src = planSource(sqlite, 'toTrakt');
    expect(src.size).toBe(7);
    const seen: string[] = [];
    for (let chunk = src.next(2); chunk.length > 0; chunk = src.next(2)) seen.push(...chunk.map((i) => i.itemKey));
    expect(seen).toEqual(['k6', 'k2', 'k3', 'k4', 'k7', 'k5', 'k1']);
    expect(planSource(sqlite, 'toPlex').next(10).map((i) => i.itemKey)).toEqual(['k8', 'k9']);
    resetPlanTable(sqlite);
    expect(planCount(sqlite, 'toTrakt')).toBe(0);
  });
});
