/**
 * Export of the Trakt history mirror (CSV, JSON) from the History page: every play once,
 * newest first, across keyset pages (ties at a page edge included); formulas defused in
 * CSV; streamed (the database answers other queries while a download is half read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPlays } from '../../src/db/repos/history-plays.js';
import { saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import type { HistoryRow } from '../../src/db/tables/history.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let ctx: TestContext;
let client: FormClient;
const N = 2500;
const T0 = Date.UTC(2025, 0, 1);

function row(accountId: number, i: number): HistoryRow {
  return {
    account_id: accountId, history_id: 10_000 + i,
    // Ten plays share each instant, so page edges (every 1000) fall inside ties.
    watched_at: T0 + Math.floor(i / 10) * 60_000,
    action: 'watch', type: 'movie', title: i === 7 ? '=HYPERLINK("http://x")' : `Film ${i}`, year: 2000,
    movie_trakt: i, movie_imdb: `tt${1_000_000 + i}`, movie_tmdb: i + 1,
    show_trakt: null, show_imdb: null, show_tmdb: null, show_tvdb: null, season: null, number: null, episode_title: null,
    episode_trakt: null, episode_imdb: null, episode_tmdb: null, episode_tvdb: null,
  };
}

beforeAll(async () => {
  ctx = await makeTestContext();
  client = new FormClient(ctx.app);
  await setUpAdmin(client, ctx.deps.setupCode);
});
afterAll(async () => ctx?.close());

describe('history export', () => {
  it('says what to do when no Trakt account is connected', async () => {
    const res = await client.get('/history/export.csv');
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/Connect Trakt in Settings first/);
  });

  it('the page links both formats', async () => {
    const a = await saveConnectedAccount(ctx.deps.db, ctx.deps.cipher, { username: 'alice', slug: 'alice' }, 'cid', { accessToken: 'a'.repeat(40), refreshToken: 'r'.repeat(40), createdAt: Date.now(), expiresAt: Date.now() + 86_400_000 });
    upsertPlays(ctx.deps.sqlite, Array.from({ length: N }, (_, i) => row(a.id, i)));
    const page = await (await client.get('/history')).text();
    expect(page).toContain('href="/history/export.csv"');
    expect(page).toContain('href="/history/export.json"');
  });

  it('CSV: a header and every play once, newest first, formulas defused', async () => {
    const res = await client.get('/history/export.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="trakt-history-alice-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('history_id,watched_at,action,type,title,year,season,number,episode_title,movie_trakt,movie_imdb,movie_tmdb,show_trakt,show_imdb,show_tmdb,show_tvdb,episode_trakt,episode_imdb,episode_tmdb,episode_tvdb');
    expect(lines).toHaveLength(N + 1);
    const ids = lines.slice(1).map((l) => Number(JSON.parse(l.split(',')[0]!)));
    expect(new Set(ids).size).toBe(N);
    expect(ids[0]).toBe(10_000 + N - 1);
    expect(ids[N - 1]).toBe(10_000);
    expect(lines.find((l) => l.startsWith('"10007"'))).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('JSON: an array of every play once, with ISO times', async () => {
    const res = await client.get('/history/export.json');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const plays = (await res.json()) as Array<{ history_id: number; watched_at: string; movie_imdb: string }>;
    expect(plays).toHaveLength(N);
    expect(new Set(plays.map((p) => p.history_id)).size).toBe(N);
    expect(plays[N - 1]).toMatchObject({ history_id: 10_000, watched_at: new Date(T0).toISOString(), movie_imdb: 'tt1000000' });
  });

  it('is streamed: half read, the database still answers other queries', async () => {
    const res = await client.get('/history/export.json');
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // Another statement on the same connection while the download is open.
    expect(ctx.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM trakt_history').get()).toEqual({ n: N });
    await reader.cancel();
  });
});
