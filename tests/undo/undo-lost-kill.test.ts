/**
 * Undo is exact under lost answers and a crash: the undo runs in its own process behind a
 * proxy that lets Trakt carry out the first removal batch but answers 502, and carries out
 * the third but never answers; the process is then killed (SIGKILL). Undoing again reads
 * Trakt before it sends anything, may only take the plays the first attempt chose, and
 * ends where an undo without faults ends: Trakt and Plex as they were before the run,
 * the play added meanwhile on Trakt's site kept. A third undo has nothing left to do.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLease } from '../../src/db/repos/locks.js';
import { getRun } from '../../src/db/repos/sync-runs.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fakes/trakt/index.js';
import { buildLibrary, iso } from '../sync/sync-library.js';
import { targetOf } from '../sync/sync-plex-standin.js';
import { makeSyncWorld, type SyncWorld } from '../sync/sync-world.js';
import { snapshot, type Snapshot } from './undo-world.js';
import { nodeArgs } from '../helpers/node-entry.js';

const T = 1_750_000_000;
let w: SyncWorld;
let proxy: http.Server;
let proxyUrl = '';
let removePosts = 0;

/** Forwards to the Trakt emulator; removal 1 is applied and answered 502, removal 3 is applied and never answered. */
function startProxy(target: string): Promise<void> {
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const isRemove = req.method === 'POST' && req.url === '/sync/history/remove';
      const n = isRemove ? ++removePosts : 0;
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: chunks.length ? Buffer.concat(chunks) : undefined });
      const body = Buffer.from(await answer.arrayBuffer());
      if (n === 3) return; // Trakt has it; the answer never comes
      if (n === 1) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>502 Bad Gateway</html>');
        return;
      }
      res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([k]) => k !== 'content-encoding' && k !== 'transfer-encoding')));
      res.end(body);
    });
  });
  return new Promise((r) => proxy.listen(0, '127.0.0.1', () => ((proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`), r())));
}

let before: Snapshot;
let runId: number;

beforeAll(async () => {
  const lib = buildLibrary({ movies: 30, shows: 1, episodesPerShow: 6 });
  lib.movies.forEach((m, i) => {
    if (i < 22) m.plex = { viewCount: 1, lastViewedAt: T + i * 3600 }; // → 22 plays added to Trakt
    else if (i < 27) m.trakt = { plays: [iso(T + i)] }; // → 5 marked watched in Plex
    else m.plex = { viewCount: 0, lastViewedAt: null, userRating: 8 }; // → 3 ratings to Trakt
  });
  lib.shows[0]!.episodes.forEach((e, i) => (e.plex = { viewCount: 1, lastViewedAt: T + 200_000 + i }));
  w = await makeSyncWorld(lib);
  before = snapshot(w);
  const run = await w.run();
  runId = run.id;
  expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 28, marked_in_plex: 5, ratings_to_trakt: 3 });
  // Meanwhile, on Trakt's site: another play of a movie the run added.
  w.trakt.addPlay('alice', { type: 'movie', trakt: lib.movies[0]!.traktId! }, '2021-01-01T12:00:00.000Z');
  await startProxy(w.trakt.url);
});
afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await w?.close();
});

describe('undo with lost answers and a kill in the middle', () => {
  it('the killed undo left part done, part unknown', async () => {
    const child = spawn(process.execPath, nodeArgs('undo-child'), {
      env: {
        ...process.env, DATA_DIR: w.ctx.dataDir, LOG_LEVEL: 'info', TRAKT_API_URL: proxyUrl, TRAKT_OAUTH_URL: proxyUrl,
        TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
        SYNC_PLEX: JSON.stringify(targetOf(w.plex)), UNDO_RUN: String(runId), SYNC_BATCH: '5', SYNC_LEASE_TTL: '1500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    for (let i = 0; i < 400 && removePosts < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(removePosts, stderr.slice(-1200)).toBe(3);
    await new Promise((r) => setTimeout(r, 150)); // the emulator has applied it
    child.kill('SIGKILL');
    await exited;

    // Some batches are gone from Trakt (the 502 one too: Trakt carried it out); the hanging one is unknown.
    // (A client that re-sends a write after a 5xx makes the 2nd POST batch 1 again: by history id, harmless.)
    const gone = before.plays.length + 28 + 1 - w.trakt.plays('alice').length;
    expect(gone).toBeGreaterThanOrEqual(10);
    const undoRows = w.ctx.deps.sqlite.prepare(`SELECT status, outcome FROM ledger WHERE undoes IS NOT NULL ORDER BY id`).all() as Array<{ status: string; outcome: string | null }>;
    expect(undoRows.filter((r) => r.status === 'intent')).toHaveLength(5); // the batch whose answer never came
    // The rest the ledger knows for sure: removed, or (the re-sent batch) already gone when Trakt answered.
    expect(undoRows.filter((r) => r.status === 'sent' || r.outcome === 'nothing to undo').length).toBe(gone - 5);
    expect(await readLease(w.ctx.deps.db, 'sync')).toBeDefined();
  }, 40_000);

  it('undoing again ends exactly where a clean undo ends', async () => {
    await new Promise((r) => setTimeout(r, 1600)); // the killed undo's lease lapses
    const removesBefore = w.trakt.countOf('POST /sync/history/remove');
    const left = w.trakt.plays('alice').filter((p) => !before.plays.some((b) => b.id === p.id)).length - 1; // the run's plays still there
    const started = await w.ctx.deps.sync.undo({ kind: 'run', id: runId }, 'manual');
    const u = await started.done;
    expect(u).toMatchObject({ status: 'succeeded', errors: 0 });
    // Trakt was read first: only the plays still there were sent, in batches of up to 250.
    expect(u.removed_from_trakt).toBe(left);
    expect(w.trakt.countOf('POST /sync/history/remove') - removesBefore).toBe(1);
    const after = snapshot(w);
    const extra = after.plays.filter((p) => !before.plays.some((b) => b.id === p.id));
    expect(extra.map((p) => p.watched_at)).toEqual(['2021-01-01T12:00:00.000Z']);
    expect(after.plays.filter((p) => before.plays.some((b) => b.id === p.id))).toEqual(before.plays);
    expect(after.ratings).toEqual(before.ratings);
    expect(after.plex).toEqual(before.plex);
    const runs = w.ctx.deps.sqlite.prepare('SELECT status FROM sync_runs WHERE undo_of = ? ORDER BY id').all(runId) as Array<{ status: string }>;
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    expect((await getRun(w.ctx.deps.db, runId))!.status).toBe('succeeded');
  });

  it('a third undo has nothing left to do and sends nothing', async () => {
    const snap = snapshot(w);
    await expect(w.ctx.deps.sync.undo({ kind: 'run', id: runId }, 'manual')).rejects.toThrow('There is nothing left to undo.');
    expect(snapshot(w)).toEqual(snap);
  });
});
