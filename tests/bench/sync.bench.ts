/**
 * The reconciliation sync at scale: 10,000 movies and 3,000 shows with 100,000 episodes,
 * emulators answering after 20 ms each, Trakt's real limits enforced (1 write/s, 1,000
 * GETs / 5 min, 5-minute lockout) and the client's real budgets. The sync runs in a child
 * process (as the CLI would), so its peak RSS is its own. First run: half of everything
 * watched in Plex only (10 % on both sides); second run: nothing changed.
 * Plex is the full emulator (tests/fakes/plex) reached the production way: the child gets
 * PLEX_URL + PLEX_TOKEN and builds its ports with createSyncPorts (no override), so every
 * Plex request goes through src/plex/server-client.ts and src/plex/ports.ts.
 * Then the quiet runs (nothing changed: right after, and once a second has passed) and one lost
 * answer: 250 plays removed on trakt.tv, the batch that puts them back carried out by Trakt but
 * answered 502: the extra GETs that reading it back costs, and that nothing was sent twice.
 * Takes about four minutes: ~220 batches at Trakt's one write a second.
 * SYNC_BENCH_CPU_PROF=<dir> writes a CPU profile of each run's process there.
 * SYNC_BENCH_SCALE (default 1) shrinks the library for a quick check, e.g. 0.02.
 * SYNC_BENCH_LIBRARY=large: instead, the library of issue 18 (20,806 movies and 57,421 episodes in
 * 1,700 shows; about 16,500 plays to add to Trakt, 14,500 items to mark in Plex, 805 ratings each way).
 * Each run also prints the peak RSS of every phase (mirror Plex, mirror Trakt, plan, write).
 * The first run is set against its floor (issue 18): the larger of Trakt's write floor (its write
 * batches at one a second) and Plex's (one request per mark or rating at the sync's concurrency, at
 * the emulator's measured answer time), since the sync writes to both side by side.
 * The child runs as compiled JavaScript, as the installed CLI does (bundled with esbuild first):
 * tsx's loader alone adds ~50 MB of RSS, which is not the product's. SYNC_BENCH_CHILD=tsx runs it from source.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { build } from 'esbuild';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, seedTraktFromLibrary, startTraktFake } from '../fakes/trakt/index.js';
import { makeTestContext } from '../helpers/context.js';
import { startPlexFakes } from '../fakes/plex/index.js';
import { buildLibrary, iso } from '../sync/sync-library.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

const LATENCY_MS = 20;
const BATCH = 250;
/** The sync's Plex write concurrency (src/sync/write-plan.ts default). */
const PLEX_CONCURRENCY = 4;
const SCALE = Math.min(1, Math.max(0.001, Number(process.env.SYNC_BENCH_SCALE ?? 1) || 1));
const LARGE = process.env.SYNC_BENCH_LIBRARY === 'large';

/** Exactly `want` of `total` positions, spread evenly: is position i one of them? */
const spread = (i: number, want: number, total: number) => Math.floor(((i + 1) * want) / total) > Math.floor((i * want) / total);

/** Issue 18's library: 20,806 movies, 57,421 episodes; plays and ratings each way in its proportions. */
function largeLibrary() {
  const shows = Math.round(1_700 * SCALE);
  const episodes = Math.round(57_421 * SCALE);
  const perShow = Math.ceil(episodes / Math.max(1, shows));
  const lib = buildLibrary({ movies: Math.round(20_806 * SCALE), shows, episodesPerShow: perShow, seasons: 3 });
  for (let i = 0, extra = shows * perShow - episodes; extra > 0; i = (i + 1) % shows, extra--) lib.shows[i]!.episodes.pop();
  const items: Array<{ plex: { viewCount: number; lastViewedAt: number | null; userRating?: number }; trakt: { plays: string[]; rating?: number; ratedAt?: string } }> = [
    ...lib.movies,
    ...lib.shows.flatMap((s) => s.episodes),
  ];
  const n = items.length;
  const plexOnly = Math.round(16_512 * SCALE);
  const traktOnly = Math.round(14_522 * SCALE);
  const both = Math.round(8_000 * SCALE);
  const base = 1_600_000_000;
  let rest = 0;
  items.forEach((item, i) => {
    const at = base + i * 60;
    if (spread(i, plexOnly, n)) item.plex = { viewCount: 1, lastViewedAt: at };
    else {
      const j = rest++;
      if (spread(j, traktOnly, n - plexOnly)) item.trakt = { plays: [iso(at)] };
      else if (spread(j, both, n - plexOnly)) {
        item.plex = { viewCount: 1, lastViewedAt: at };
        item.trakt = { plays: [iso(at)] };
      }
    }
  });
  // 805 ratings each way, on movies: rated in Plex only, and rated on Trakt only.
  const ratings = Math.round(805 * SCALE);
  lib.movies.forEach((m, i) => {
    if (spread(i, ratings, lib.movies.length)) m.plex.userRating = 2 + (i % 9);
    else if (spread((i + 7) % lib.movies.length, ratings, lib.movies.length)) m.trakt = { ...m.trakt, rating: 1 + (i % 10), ratedAt: iso(base) };
  });
  return lib;
}

function library() {
  if (LARGE) return largeLibrary();
  const lib = buildLibrary({ movies: Math.round(10_000 * SCALE), shows: Math.round(3_000 * SCALE), episodesPerShow: 34, seasons: 3 });
  // 3,000 × 34 = 102,000: trim 2,000 shows by one episode → exactly 100,000.
  for (let i = 0; i < Math.round(2_000 * SCALE); i++) lib.shows[i]!.episodes.pop();
  const base = 1_600_000_000;
  let n = 0;
  const state = (item: { plex: { viewCount: number; lastViewedAt: number | null }; trakt: { plays: string[] } }) => {
    const k = n++ % 10;
    const at = base + n * 60;
    if (k < 5) item.plex = { viewCount: 1 + (n % 3), lastViewedAt: at }; // Plex only
    else if (k === 5) {
      item.plex = { viewCount: 1, lastViewedAt: at };
      item.trakt = { plays: [iso(at)] };
    }
  };
  for (const m of lib.movies) state(m);
  for (const s of lib.shows) for (const e of s.episodes) state(e);
  return lib;
}

interface ChildResult {
  row: Record<string, any> & { maxRssKb: number };
  wallMs: number;
}

const FROM_SOURCE = process.env.SYNC_BENCH_CHILD === 'tsx';
const IN_SERVER = process.env.SYNC_BENCH_IN_SERVER === '1';
const BUNDLE = 'test-results/sync-child/sync-child-run.mjs';

/** The child as plain JavaScript (dependencies stay in node_modules), the way the CLI runs from dist/. */
async function bundleChild(): Promise<void> {
  if (FROM_SOURCE) return;
  await build({ entryPoints: ['tests/sync/sync-child-run.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', outfile: BUNDLE, logLevel: 'warning' });
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // SYNC_BENCH_CPU_PROF=<dir>: a CPU profile of each run's process (open it in Chrome's DevTools).
    const prof = process.env.SYNC_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SYNC_BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...prof, ...(FROM_SOURCE ? ['--import', 'tsx', 'tests/sync/sync-child-run.ts'] : [BUNDLE])], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    // The child's log (stderr) is kept for a look after the run.
    fs.mkdirSync('test-results', { recursive: true });
    const log = fs.createWriteStream('test-results/sync-bench-child.log', { flags: 'a' });
    child.stderr.on('data', (c) => ((err += c), log.write(c)));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`sync child exited ${code}: ${err.slice(-2000)}`));
      resolve({ row: JSON.parse(last), wallMs: performance.now() - t0 });
    });
  });
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  await bundleChild();
  const lib = library();
  const trakt = await startTraktFake(); // real limits: 1 write/s, 1,000 GET / 5 min, lockout
  const seed = seedTraktFromLibrary(trakt, lib);
  trakt.server.latencyMs = LATENCY_MS;
  const plex = await startPlexFakes({ library: lib });
  const pms = plex.pms.server;
  pms.latencyMs = LATENCY_MS;
  const ctx = await makeTestContext({ TRAKT_API_URL: trakt.url, TRAKT_OAUTH_URL: trakt.url });
  await connectTraktAccount(ctx.deps, trakt, 'alice');
  const episodes = lib.shows.reduce((a, s) => a + s.episodes.length, 0);
  console.log(`sync child: ${FROM_SOURCE ? 'from source through tsx (its loader adds ~50 MB of RSS)' : 'compiled JavaScript, as the CLI runs'}${IN_SERVER ? '; the run inside the whole server (SYNC_BENCH_IN_SERVER=1)' : ''}`);
  console.log(`library: ${lib.movies.length} movies, ${lib.shows.length} shows, ${episodes} episodes; Trakt seeded with ${seed.plays} plays; Plex emulator seeded with ${plex.seeded!.movies} movies, ${plex.seeded!.episodes} episodes; setup ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The emulator's answer time for a mark (a PUT /:/scrobble, latency included), on items both
  // sides already have watched (a second view changes nothing the sync looks at).
  const marked = [...lib.movies, ...lib.shows.flatMap((s) => s.episodes)].filter((i) => i.plex.viewCount > 0 && i.trakt.plays.length > 0).slice(0, 20);
  const took: number[] = [];
  for (const item of marked) {
    const t = performance.now();
    const res = await fetch(`${plex.pmsUrl}/:/scrobble?key=${plex.pms.ratingKeyOf(item.key)}&identifier=com.plexapp.plugins.library`, { method: 'PUT', headers: { 'X-Plex-Token': plex.pms.tokenFor() } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`sync bench: a mark on the Plex emulator answered ${res.status}`);
    took.push(performance.now() - t);
  }
  // The median: on a shared machine a few answers wait for the CPU, which is not the server's time.
  took.sort((a, b) => a - b);
  const markMs = took.length ? took[Math.floor(took.length / 2)]! : LATENCY_MS;
  console.log(
    `Plex emulator: a mark answers in ${markMs.toFixed(1)} ms (median of ${took.length}; mean ${(took.reduce((a, b) => a + b, 0) / Math.max(1, took.length)).toFixed(1)} ms; ${LATENCY_MS} ms of it added latency); the sync writes to Plex ${PLEX_CONCURRENCY} at a time`,
  );

  const env = {
    DATA_DIR: ctx.dataDir, LOG_LEVEL: 'info', TRAKT_API_URL: trakt.url, TRAKT_OAUTH_URL: trakt.url,
    TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    PLEX_URL: plex.pmsUrl, PLEX_TOKEN: plex.pms.tokenFor(), SYNC_PLEX: '',
    SYNC_BATCH: String(BATCH), SYNC_REAL_BUDGETS: '1',
    // SYNC_BENCH_IN_SERVER=1: every run happens inside the whole server (HTTP, worker, history mirror, schedules).
    SYNC_IN_SERVER: IN_SERVER ? '1' : '0',
  };
  try {
    const measure = async (label: string, extra: Record<string, string> = {}) => {
      const plexBefore = pms.requests.length;
      const traktBefore = trakt.server.requests.length;
      const { row, wallMs } = await runChild({ ...env, ...extra });
      const traktReqs = trakt.server.requests.slice(traktBefore);
      const gets = traktReqs.filter((r) => r.method === 'GET').length;
      const writes = traktReqs.filter((r) => r.method === 'POST').length;
      const limited = traktReqs.filter((r) => r.status === 429).length;
      const items = row.added_to_trakt + row.ratings_to_trakt + row.not_found;
      const forcedMs = writes * 1000; // Trakt's 1 write/s alone
      console.log(`${label}:`);
      console.log(`  status ${row.status}; wall time ${(wallMs / 1000).toFixed(1)} s (run ${((row.finished_at - row.started_at) / 1000).toFixed(1)} s)`);
      const plexReqs = pms.requests.slice(plexBefore);
      const plexPaths = new Map<string, number>();
      for (const r of plexReqs) {
        const k = r.path.replace(/\/\d+/g, '/{n}');
        plexPaths.set(k, (plexPaths.get(k) ?? 0) + 1);
      }
      const plexFailed = plexReqs.filter((r) => r.status >= 400 || r.status < 0).length;
      console.log(`  Plex requests ${plexReqs.length} (${[...plexPaths].map(([k, v]) => `${k} ${v}`).join(', ')}; failed ${plexFailed}); items scanned ${row.scanned}; marked watched in Plex ${row.marked_in_plex}`);
      console.log(`  Trakt GETs ${gets} (${[...new Set(traktReqs.filter((r) => r.method === 'GET').map((r) => r.path))].join(', ')}); Trakt writes ${writes}; items per write ${writes ? (items / writes).toFixed(1) : '-'}; plays added ${row.added_to_trakt}; 429 received ${limited}`);
      // The floor: Trakt's lane and Plex's lane run side by side, so the longer of the two.
      const plexWrites = row.marked_in_plex + row.unwatched_in_plex + row.ratings_to_plex;
      const plexFloorMs = (plexWrites * markMs) / PLEX_CONCURRENCY;
      const floorMs = Math.max(forcedMs, plexFloorMs);
      const writeMs = (row.phaseMemory as Record<string, { ms?: number }> | undefined)?.writing?.ms;
      if (plexWrites && writeMs) console.log(`  Plex lane: ${plexWrites} writes in the ${(writeMs / 1000).toFixed(1)} s write phase, ${((writeMs * PLEX_CONCURRENCY) / plexWrites).toFixed(1)} ms a write at ${PLEX_CONCURRENCY} at a time`);
      if (floorMs > 0) {
        console.log(
          `  floor ${(floorMs / 1000).toFixed(1)} s = max(Trakt ${writes} writes at 1/s: ${(forcedMs / 1000).toFixed(0)} s, Plex ${plexWrites} writes × ${markMs.toFixed(1)} ms / ${PLEX_CONCURRENCY}: ${(plexFloorMs / 1000).toFixed(1)} s); ` +
            `wall / floor = ${(wallMs / floorMs).toFixed(2)}, run / floor = ${((row.finished_at - row.started_at) / floorMs).toFixed(2)} (target ≤ 1.20)`,
        );
      }
      // The figures mean something only if the run went through the emulator and finished.
      if (row.status !== 'succeeded' || plexReqs.length === 0 || plexFailed > 0) throw new Error(`sync bench: run ${row.status}, ${plexReqs.length} Plex requests (${plexFailed} failed): ${row.error ?? ''}`);
      console.log(`  peak RSS of the sync process ${(row.maxRssKb / 1024).toFixed(0)} MB (target < 300 MB); unmatched ${row.unmatched}; errors ${row.errors}`);
      const pm = (row.phaseMemory ?? {}) as Record<string, { rssMb: number; heapMb: number; ms?: number }>;
      const names: Array<[string, string]> = [['plex', 'mirror Plex'], ['trakt', 'mirror Trakt'], ['planning', 'plan'], ['writing', 'write'], ['done', 'finish']];
      console.log(`  peak RSS per phase: ${names.filter(([k]) => pm[k]).map(([k, l]) => `${l} ${pm[k]!.rssMb} MB (heap ${pm[k]!.heapMb} MB)`).join(', ')}; whole run ${(row.maxRssKb / 1024).toFixed(0)} MB (target < 250 MB)`);
      console.log(`  time per phase: ${['settling', ...names.map(([k]) => k)].filter((k) => pm[k]?.ms !== undefined).map((k) => `${k} ${((pm[k]!.ms ?? 0) / 1000).toFixed(1)} s`).join(', ')}`);
      return { row, traktReqs };
    };
    await measure('first run (half watched in Plex only)');
    await measure('second run (nothing changed, right after the first)');
    await new Promise((r) => setTimeout(r, 1100));
    await measure('third run (nothing changed, a second later)');
    await measure('fourth run (nothing changed)');

    // One lost answer: 250 plays removed on trakt.tv; the batch that adds them back is carried out, then answered 502.
    const both = lib.movies.filter((m) => m.trakt.plays.length > 0 && m.plex.viewCount > 0).slice(0, BATCH);
    const token = trakt.issueToken('alice').access_token;
    const removed = await fetch(`${trakt.url}/sync/history/remove`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'sync-bench/1.0', 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2', authorization: `Bearer ${token}` },
      body: JSON.stringify({ movies: both.map((m) => ({ ids: { trakt: m.traktId } })) }),
    });
    if (removed.status !== 200) throw new Error(`sync bench: removing plays on the emulator answered ${removed.status}`);
    trakt.server.inject(/^\/sync\/history$/, { kind: 'apply', then: { status: 502, body: 'Bad Gateway' } }, 1);
    const { row, traktReqs } = await measure(`fifth run (${both.length} plays removed on trakt.tv; the batch that puts them back is carried out but answered 502)`);
    const readBack = traktReqs.filter((r) => r.method === 'GET' && /^\/sync\/history\/(movies|episodes)$/.test(r.path) && r.query.includes('start_at'));
    const counts = new Map<number, number>();
    for (const p of trakt.plays('alice')) counts.set(p.trakt, (counts.get(p.trakt) ?? 0) + 1);
    const doubled = both.filter((m) => (counts.get(m.traktId!) ?? 0) !== 1).length;
    console.log(`  settling the lost batch: ${readBack.length} extra GET(s) to Trakt's history; ${row.added_to_trakt} plays added; items with other than one play: ${doubled}`);
    if (doubled > 0) throw new Error(`sync bench: ${doubled} of the lost batch's items do not have exactly one play`);

    // The server runs sync after sync in one process: three full walks in a row must stay flat.
    const three = await measure('three full walks in a row in one process (as the server runs them)', { SYNC_RUNS: '3', SYNC_FULL: '1' });
    const rss = (three.row.runsRssMb ?? []) as number[];
    console.log(`  peak RSS of each run: ${rss.map((m) => `${m} MB`).join(', ')} (flat: the last within 10 % of the first: ${rss.length === 3 && rss[2]! <= rss[0]! * 1.1 ? 'yes' : 'no'})`);
    const live = (three.row.heapAfterGcMb ?? []) as number[];
    if (live.length) console.log(`  live JS heap after each run (after a full GC): ${live.map((m) => `${m} MB`).join(', ')}`);
    else console.log('  (NODE_OPTIONS=--expose-gc adds the live JS heap after each run)');
  } finally {
    await ctx.close();
    await plex.stop();
    await trakt.stop();
  }
}
