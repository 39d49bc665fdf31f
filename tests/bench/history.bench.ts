/**
 * History benchmarks with 100,000 plays in the mirror (12 years, 70 % episodes):
 * server time of the full page (first 50 plays, counts, chart, status; warm, and right after
 * a change), of a page deep in the scroll (keyset), of filtered and searched pages, and the
 * database size. Load from other processes on the machine shows in p95/max, not the median. Then the
 * first fill of 100,000 plays from the Trakt emulator (requests and time).
 */
import fs from 'node:fs';
import path from 'node:path';
import { listPlays, upsertPlays } from '../../src/db/repos/history-plays.js';
import { storePoster } from '../../src/db/repos/history-posters.js';
import { saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import type { HistoryRow } from '../../src/db/tables/history.js';
import { cursorOf } from '../../src/history/map.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext } from '../helpers/context.js';
import { historyWorld } from '../http/history-world.js';

const PLAYS = 100_000;
const SHOWS = 400;
const MOVIES = 6000;
const SPAN_MS = 12 * 365 * 86_400_000;

export function row(accountId: number, i: number, at: number): HistoryRow {
  const movie = i % 10 < 3;
  const show = i % SHOWS;
  const m = i % MOVIES;
  return {
    account_id: accountId,
    history_id: 5_000_000_000 + i,
    watched_at: Math.floor(at / 1000) * 1000,
    action: i % 4 === 0 ? 'scrobble' : 'watch',
    type: movie ? 'movie' : 'episode',
    title: movie ? `Movie title number ${m}` : `Show called ${show}`,
    year: 1970 + (i % 55),
    movie_trakt: movie ? 100_000 + m : null,
    movie_imdb: movie ? `tt${1_000_000 + m}` : null,
    movie_tmdb: movie ? 200_000 + m : null,
    show_trakt: movie ? null : 300_000 + show,
    show_imdb: movie ? null : `tt${5_000_000 + show}`,
    show_tmdb: movie ? null : 400_000 + show,
    show_tvdb: movie ? null : 500_000 + show,
    season: movie ? null : 1 + (i % 8),
    number: movie ? null : 1 + (i % 24),
    episode_title: movie ? null : `Episode ${i % 24} of season ${1 + (i % 8)}`,
    episode_trakt: movie ? null : 600_000 + i,
    episode_imdb: null,
    episode_tmdb: movie ? null : 700_000 + i,
    episode_tvdb: movie ? null : 800_000 + i,
  };
}

export function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s.at(-1)!.toFixed(1)} ms (${s.length} runs)`;
}

export async function time(client: FormClient, url: string, runs = 30, before?: () => void): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    before?.();
    const t0 = performance.now();
    const res = await client.get(url, url.startsWith('/history/page') ? { 'hx-request': 'true' } : {});
    await res.text();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (i >= 3) out.push(performance.now() - t0); // the first few warm the statement cache
  }
  return out;
}

async function pageBench(): Promise<void> {
  const ctx = await makeTestContext({ LOG_LEVEL: 'warn', TMDB_API_KEY: '0123456789abcdef0123456789abcdef' });
  try {
    const client = new FormClient(ctx.app);
    await setUpAdmin(client, ctx.deps.setupCode);
    const now = Date.now();
    const a = await saveConnectedAccount(ctx.deps.db, ctx.deps.cipher, { username: 'bench', slug: 'bench' }, 'cid', { accessToken: 'a'.repeat(40), refreshToken: 'r'.repeat(40), createdAt: now, expiresAt: now + 86_400_000 });
    const t0 = performance.now();
    for (let start = 0; start < PLAYS; start += 5000) {
      const rows: HistoryRow[] = [];
      for (let i = start; i < Math.min(PLAYS, start + 5000); i++) rows.push(row(a.id, i, now - (i / PLAYS) * SPAN_MS - (i % 7) * 60_000));
      upsertPlays(ctx.deps.sqlite, rows);
    }
    const seedMs = performance.now() - t0;
    // Posters cached for every show and movie (the steady state), and a ledger of 20,000 writes.
    ctx.deps.sqlite.transaction(() => {
      for (let s = 0; s < SHOWS; s++) storePoster(ctx.deps.sqlite, { media: 'tv', tmdbId: 400_000 + s, posterPath: `/s${s}.jpg`, status: 'ok', ttlMs: 86_400_000 });
      for (let m = 0; m < MOVIES; m++) storePoster(ctx.deps.sqlite, { media: 'movie', tmdbId: 200_000 + m, posterPath: `/m${m}.jpg`, status: 'ok', ttlMs: 86_400_000 });
      const ins = ctx.deps.sqlite.prepare(
        `INSERT INTO ledger (target, account_id, action, media_type, item_key, watched_at, source, source_id, status, trakt_history_id, created_at, updated_at)
         VALUES ('trakt', ?, ?, ?, ?, ?, ?, ?, 'sent', ?, ?, ?)`,
      );
      for (let i = 0; i < PLAYS; i += 5) {
        const r = row(a.id, i, now - (i / PLAYS) * SPAN_MS - (i % 7) * 60_000);
        const key = r.type === 'movie' ? `movie:imdb:${r.movie_imdb}` : `episode:tvdb:${r.episode_tvdb}`;
        ins.run(a.id, i % 2 ? 'history.add' : 'scrobble.stop', r.type, key, r.watched_at, i % 2 ? 'sync' : 'webhook', i % 50, i % 2 ? null : r.history_id, now, now);
      }
    })();
    ctx.deps.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    ctx.deps.sqlite.exec('ANALYZE');
    console.log(`seeded ${PLAYS.toLocaleString('en-US')} plays in ${(seedMs / 1000).toFixed(1)} s (${Math.round(PLAYS / (seedMs / 1000)).toLocaleString('en-US')} rows/s through upsertPlays)`);

    const deep = listPlays(ctx.deps.sqlite, a.id, { limit: 80_001 }).at(-1)!;
    const deepMovie = listPlays(ctx.deps.sqlite, a.id, { type: 'movie', limit: 25_001 }).at(-1)!;
    console.log(`first page (GET /history: 50 plays, counts, chart, status): ${stats(await time(client, '/history'))}`);
    // A refresh that changed the mirror drops the cached counts and month totals: the next page load recounts.
    const first = listPlays(ctx.deps.sqlite, a.id, { limit: 1 });
    console.log(`first page right after the mirror changed (counts and chart recomputed): ${stats(await time(client, '/history', 20, () => upsertPlays(ctx.deps.sqlite, first)))}`);
    console.log(`page deep in the scroll (plays 80,001-80,050, keyset): ${stats(await time(client, `/history/page?before=${cursorOf(deep)}`))}`);
    console.log(`movies only, first page: ${stats(await time(client, '/history?type=movie'))}`);
    console.log(`movies only, deep (25,001st movie): ${stats(await time(client, `/history/page?type=movie&before=${cursorOf(deepMovie)}`))}`);
    console.log(`text search, common ("Show called 1", first page + count): ${stats(await time(client, '/history?q=Show%20called%201', 10))}`);
    console.log(`text search, no match (scans every play): ${stats(await time(client, '/history?q=zzzz-nothing', 10))}`);

    const file = path.join(ctx.dataDir, fs.readdirSync(ctx.dataDir).find((f) => f.endsWith('.db') || f.endsWith('.sqlite')) ?? '');
    const { page_count } = ctx.deps.sqlite.prepare('PRAGMA page_count').get() as { page_count: number };
    const { page_size } = ctx.deps.sqlite.prepare('PRAGMA page_size').get() as { page_size: number };
    const tables = ctx.deps.sqlite.prepare(`SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name LIKE 'trakt_history%' GROUP BY name ORDER BY bytes DESC`).all() as Array<{ name: string; bytes: number }>;
    const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
    console.log(`database: ${mb(page_count * page_size)} in all (${path.basename(file)}, with 6,400 posters and 20,000 ledger rows)`);
    console.log(`trakt_history and its indexes: ${mb(tables.reduce((s, t) => s + t.bytes, 0))} (${tables.map((t) => `${t.name} ${mb(t.bytes)}`).join(', ')})`);
  } finally {
    await ctx.close();
  }
}

async function fillBench(): Promise<void> {
  const w = await historyWorld({ LOG_LEVEL: 'warn' });
  try {
    // 100,000 plays of the small catalogue, one every 40 minutes going back.
    const base = Date.now();
    for (let i = 0; i < PLAYS; i++) {
      const at = new Date(base - i * 40 * 60_000).toISOString();
      if (i % 3 === 0) w.fake.addPlay('alice', { type: 'movie', trakt: 101 + (i % 40) }, at);
      else w.fake.addPlay('alice', { type: 'episode', trakt: 6001 + (i % 30) }, at);
    }
    const mirror = await w.mirror();
    const t0 = performance.now();
    const res = await mirror.refresh();
    const ms = performance.now() - t0;
    console.log(`first fill from the Trakt emulator: ${res.localCount.toLocaleString('en-US')} plays, ${res.requests} requests, ${(ms / 1000).toFixed(1)} s (emulator answering at once; real Trakt adds its latency per page)`);
    w.fake.addPlay('alice', { type: 'movie', trakt: 120 }, new Date(base - 50_000 * 40 * 60_000 - 60_000).toISOString());
    w.fake.user('alice').activities.touch('movies', 'watched_at', Date.now());
    const t1 = performance.now();
    const back = await (await w.mirror()).refresh();
    console.log(`a back-dated play 3.8 years deep found by the incremental refresh: ${back.added} added, ${back.requests} requests, ${(performance.now() - t1).toFixed(0)} ms`);
  } finally {
    await w.close();
  }
}

export async function run(): Promise<void> {
  await pageBench();
  await fillBench();
}
