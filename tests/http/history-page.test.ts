/**
 * The History page over HTTP, from a seeded mirror (no Trakt involved): order, keyset
 * pages, filters, counts, the monthly picture, placeholders without a TMDB key, cached
 * posters, and "how it got there" from the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPlays } from '../../src/db/repos/history-plays.js';
import { storePoster } from '../../src/db/repos/history-posters.js';
import { saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import type { HistoryRow } from '../../src/db/tables/history.js';
import { recordIntents, settle } from '../../src/ledger/repo.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let ctx: TestContext;
let client: FormClient;
let accountId: number;
const NOW = Date.now();
const HOUR = 3600_000;
const N = 130;

function playRow(accountId: number, i: number, at: number): HistoryRow {
  const movie = i % 3 === 0;
  return {
    account_id: accountId,
    history_id: 1_000_000 + i,
    watched_at: at,
    action: 'watch',
    type: movie ? 'movie' : 'episode',
    title: movie ? `Film ${i}` : `Series ${i % 7}`,
    year: 2000 + (i % 20),
    movie_trakt: movie ? 10 + i : null,
    movie_imdb: movie ? `tt${9000000 + i}` : null,
    movie_tmdb: movie ? 500 + i : null,
    show_trakt: movie ? null : 70 + (i % 7),
    show_imdb: null,
    show_tmdb: movie ? null : 800 + (i % 7),
    show_tvdb: movie ? null : 300 + (i % 7),
    season: movie ? null : 1 + (i % 3),
    number: movie ? null : 1 + (i % 12),
    episode_title: movie ? null : `Chapter ${i}`,
    episode_trakt: movie ? null : 20_000 + i,
    episode_imdb: null,
    episode_tmdb: movie ? null : 40_000 + i,
    episode_tvdb: movie ? null : 60_000 + i,
  };
}

beforeAll(async () => {
  ctx = await makeTestContext();
  client = new FormClient(ctx.app);
  await setUpAdmin(client, ctx.deps.setupCode);
  const a = await saveConnectedAccount(ctx.deps.db, ctx.deps.cipher, { username: 'alice', slug: 'alice' }, 'cid', { accessToken: 'a'.repeat(40), refreshToken: 'r'.repeat(40), createdAt: NOW, expiresAt: NOW + 86_400_000 });
  accountId = a.id;
  // One play every 5 hours going back; plays 0 and 1 share an instant (ties break on the history id).
  const rows = Array.from({ length: N }, (_, i) => playRow(accountId, i, Math.floor((NOW - 3 * HOUR - Math.max(0, i - 1) * 5 * HOUR) / 1000) * 1000));
  upsertPlays(ctx.deps.sqlite, rows);
  // The ledger knows two of them: a webhook scrobble (history id) and a sync run's write (key + time).
  const [w] = await recordIntents(ctx.deps.db, [{ target: 'trakt', accountId, action: 'scrobble.stop', mediaType: 'episode', itemKey: 'episode:tvdb:60001', watchedAt: rows[1]!.watched_at - 40_000, source: 'webhook', sourceId: 7 }]);
  await settle(ctx.deps.db, [{ id: w!, status: 'sent', outcome: 'scrobble', traktHistoryId: rows[1]!.history_id }]);
  const [s] = await recordIntents(ctx.deps.db, [{ target: 'trakt', accountId, action: 'history.add', mediaType: 'movie', itemKey: `movie:imdb:tt${9000003}`, watchedAt: rows[3]!.watched_at + 400, source: 'sync', sourceId: 12 }]);
  await settle(ctx.deps.db, [{ id: s!, status: 'sent', outcome: 'added' }]);
});
afterAll(async () => {
  await ctx.close();
});

const ids = (html: string) => [...html.matchAll(/id="play-(\d+)"/g)].map((m) => Number(m[1]));
const expected = (from: number, n: number) => {
  // Newest first: 1 before 0 (same instant, higher id first), then 2, 3, ...
  const order = [1, 0, ...Array.from({ length: N - 2 }, (_, i) => i + 2)].map((i) => 1_000_000 + i);
  return order.slice(from, from + n);
};

describe('the History page', () => {
  it('lists the newest 50 plays, the total, the picture, and a sentinel for the next page', async () => {
    const res = await client.get('/history');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(ids(html)).toEqual(expected(0, 50));
    expect(html).toContain(`${N} plays`);
    expect(html).toMatch(/id="history-chart"/);
    expect([...html.matchAll(/class="chart-month"/g)]).toHaveLength(24);
    expect(html).toMatch(/hx-get="\/history\/page\?before=\d+\.\d+"[^>]*hx-trigger="revealed"/);
    expect(html).toContain(`hx-sse:connect="/live?topics=history:${accountId}"`);
    expect(html).toContain('<script src="/history/client.js"');
    // No TMDB key: initials and a hint that links to Settings, no poster requests.
    expect(html).toContain('id="history-tmdb-hint"');
    expect(html).not.toContain('/history/poster/');
    expect(html).toMatch(/data-poster="none"[^>]*>SE<\/div>|data-poster="none"[^>]*>S\d*<\/div>/);
    // Episode line: show, S/E code, episode title.
    expect(html).toContain('S02E02');
    expect(html).toContain('Chapter 1');
  });

  it('pages by cursor through the whole list without gaps or repeats', async () => {
    const first = await (await client.get('/history')).text();
    const seen = ids(first);
    let next = /before=(\d+\.\d+)/.exec(first)?.[1];
    for (let guard = 0; next && guard < 10; guard++) {
      const html = await (await client.get(`/history/page?before=${next}`, { 'hx-request': 'true' })).text();
      expect(html).toContain('<hx-partial hx-target="#history-list" hx-swap="beforeend">');
      seen.push(...ids(html));
      next = /before=(\d+\.\d+)/.exec(html)?.[1];
      if (!next) expect(html).toContain('That is the whole history.');
    }
    expect(seen).toEqual(expected(0, N));
  });

  it('filters by type and by text, with the matching count, keeping the filter in the next-page link', async () => {
    const movies = await (await client.get('/history?type=movie', { 'hx-request': 'true', 'hx-target': 'div#history-results' })).text();
    expect(movies).not.toContain('<html');
    const movieIds = ids(movies);
    expect(movieIds.length).toBe(44);
    expect(movieIds.every((id) => (id - 1_000_000) % 3 === 0)).toBe(true);
    expect(movies).toContain('44 of 130 plays match.');
    expect(movies).toContain('data-live="movie"');
    const search = await (await client.get('/history?q=series%203')).text();
    expect(ids(search).length).toBeGreaterThan(0);
    expect(search).toMatch(/of 130 plays match/);
    expect(search).not.toMatch(/data-live=/);
    for (const id of ids(search)) expect((id - 1_000_000) % 7).toBe(3);
    const chapter = await (await client.get('/history?type=episode&q=Chapter%20100')).text();
    expect(ids(chapter)).toEqual([1_000_100]);
    const percent = await (await client.get('/history?q=%25')).text();
    expect(ids(percent)).toEqual([]);
    const paged = await (await client.get('/history?type=episode')).text();
    expect(paged).toMatch(/before=\d+\.\d+&amp;type=episode/);
  });

  it('says how a play got there when the ledger knows', async () => {
    const html = await (await client.get('/history')).text();
    const row = (id: number) => new RegExp(`id="play-${id}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? '';
    expect(row(1_000_001)).toContain('data-via="webhook"');
    expect(row(1_000_003)).toContain('href="/runs/12"');
    expect(row(1_000_002)).toContain('data-via="trakt"');
  });

  it('shows cached posters as images and refuses a bad cursor with a sentence', async () => {
    storePoster(ctx.deps.sqlite, { media: 'tv', tmdbId: 801, posterPath: '/abc.jpg', status: 'ok', ttlMs: 60_000 });
    const html = await (await client.get('/history')).text();
    expect(html).toContain('src="https://image.tmdb.org/t/p/w154/abc.jpg"');
    const bad = await client.get('/history/page?before=nope');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/reload the page/);
  });

  it('starts a full refresh from the button (CSRF-checked)', async () => {
    const refused = await client.post('/history/refresh', {}, { csrf: 'wrong' });
    expect(refused.status).toBe(403);
    const ok = await client.post('/history/refresh', {});
    expect(ok.status).toBe(303);
  });
});
