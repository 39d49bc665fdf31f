/**
 * Undo of a 10,000-play run (UNDO_BENCH_PLAYS, default 10,000): a first sync adds one play
 * per movie watched only in Plex (at times spread over ~2 years, among 1,000 plays that were
 * on Trakt before), then the undo runs in its own process with the client's real budgets
 * against the Trakt emulator enforcing Trakt's real limits (1 write/s, 1,000 GETs / 5 min,
 * 20 ms latency). Prints Trakt GETs and writes, 429s, wall time against the write floor
 * (writes × 1 s), and checks that exactly the run's plays are gone.
 */
import { spawn } from 'node:child_process';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fakes/trakt/index.js';
import { buildLibrary, iso } from '../sync/sync-library.js';
import { targetOf } from '../sync/sync-plex-standin.js';
import { makeSyncWorld } from '../sync/sync-world.js';

const PLAYS = Math.max(10, Number(process.env.UNDO_BENCH_PLAYS ?? 10_000) || 10_000);
const BEFORE = Math.round(PLAYS / 10);

function runChild(env: Record<string, string>): Promise<{ row: Record<string, any>; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/undo/undo-child.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return reject(new Error(`undo child exited ${code}: ${err.slice(-2000)}`));
      resolve({ row: JSON.parse(last), wallMs: performance.now() - t0 });
    });
  });
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const lib = buildLibrary({ movies: PLAYS + BEFORE, shows: 1, episodesPerShow: 1 });
  const base = 1_700_000_000;
  lib.movies.forEach((m, i) => {
    const at = base + i * 6000; // ~100 minutes apart
    m.plex = { viewCount: 1, lastViewedAt: at };
    if (i >= PLAYS) m.trakt = { plays: [iso(at)] }; // on Trakt before the run
  });
  const w = await makeSyncWorld(lib, { runner: { batchSize: 250 } });
  try {
    const sync = await w.run({}, { batchSize: 250 });
    if (sync.added_to_trakt !== PLAYS) throw new Error(`undo bench: the first sync added ${sync.added_to_trakt}, not ${PLAYS}`);
    console.log(`setup: ${PLAYS} plays added by run ${sync.id} (Trakt had ${BEFORE} before), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    w.trakt.setRateLimits({}); // Trakt's real limits from here on
    w.trakt.server.latencyMs = 20;
    const before = w.trakt.server.requests.length;
    const { row, wallMs } = await runChild({
      DATA_DIR: w.ctx.dataDir, LOG_LEVEL: 'warn', TRAKT_API_URL: w.trakt.url, TRAKT_OAUTH_URL: w.trakt.url,
      TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      SYNC_PLEX: JSON.stringify(targetOf(w.plex)), UNDO_RUN: String(sync.id), SYNC_BATCH: '250', UNDO_REAL_BUDGETS: '1',
    });
    const reqs = w.trakt.server.requests.slice(before);
    const gets = reqs.filter((r) => r.method === 'GET').length;
    const writes = reqs.filter((r) => r.method === 'POST').length;
    const limited = reqs.filter((r) => r.status === 429).length;
    const left = w.trakt.plays('alice').length;
    console.log(`undo of a ${PLAYS}-play run: status ${row.status}; removed ${row.removed_from_trakt}; plays left on Trakt ${left} (expected ${BEFORE})`);
    console.log(`  Trakt GETs ${gets} (history pages); Trakt writes ${writes}; plays per write ${(row.removed_from_trakt / Math.max(1, writes)).toFixed(0)}; 429 received ${limited}`);
    console.log(`  wall time ${(wallMs / 1000).toFixed(1)} s (run ${((row.finished_at - row.started_at) / 1000).toFixed(1)} s); write floor ${writes} s; run / floor = ${((row.finished_at - row.started_at) / 1000 / Math.max(1, writes)).toFixed(2)}`);
    console.log(`  peak RSS of the undo process ${(row.maxRssKb / 1024).toFixed(0)} MB`);
    if (row.status !== 'succeeded' || left !== BEFORE || limited > 0) throw new Error(`undo bench: ${row.status}, ${left} plays left, ${limited} 429s: ${row.error ?? ''}`);
  } finally {
    await w.close();
  }
}
