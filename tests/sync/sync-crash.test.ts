/**
 * A sync killed (SIGKILL) in the middle of its write phase, after Trakt took a batch but
 * before the answer came back: the next run settles the leftover intents against Trakt's
 * history first, then finishes, and every watched item ends with exactly one play.
 * The killed run's lease lapses on its own.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLease } from '../../src/db/repos/locks.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fakes/trakt/index.js';
import { targetOf } from './sync-plex-standin.js';
import { buildLibrary } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';
import { nodeArgs } from '../helpers/node-entry.js';

const T = 1_750_000_000;
let w: SyncWorld;
let proxy: http.Server;
let proxyUrl = '';
let historyPosts = 0;

/** Forwards to the Trakt emulator; the 2nd POST /sync/history reaches Trakt but its answer never comes back. */
function startProxy(target: string): Promise<void> {
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const isHistoryPost = req.method === 'POST' && req.url === '/sync/history';
      if (isHistoryPost) historyPosts++;
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: chunks.length ? Buffer.concat(chunks) : undefined });
      const body = Buffer.from(await answer.arrayBuffer());
      if (isHistoryPost && historyPosts === 2) return; // Trakt has it; the caller waits forever
      res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([k]) => k !== 'content-encoding' && k !== 'transfer-encoding')));
      res.end(body);
    });
  });
  return new Promise((r) => proxy.listen(0, '127.0.0.1', () => ((proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`), r())));
}

beforeAll(async () => {
  const lib = buildLibrary({ movies: 12, shows: 1, episodesPerShow: 6 });
  lib.movies.forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: T + i }));
  lib.shows[0]!.episodes.forEach((e, i) => (e.plex = { viewCount: 1, lastViewedAt: T + 100 + i }));
  w = await makeSyncWorld(lib);
  await startProxy(w.trakt.url);
});
afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await w?.close();
});

describe('a run killed mid-write', () => {
  it('is finished by the next run without a duplicate play', async () => {
    const child = spawn(process.execPath, nodeArgs('sync-child-run'), {
      env: {
        ...process.env, DATA_DIR: w.ctx.dataDir, LOG_LEVEL: 'info', TRAKT_API_URL: proxyUrl, TRAKT_OAUTH_URL: proxyUrl,
        TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
        SYNC_PLEX: JSON.stringify(targetOf(w.plex)), SYNC_BATCH: '5', SYNC_LEASE_TTL: '1500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    // Wait (bounded) until the second history batch has reached Trakt and hangs.
    for (let i = 0; i < 300 && historyPosts < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(historyPosts, stderr.slice(-800)).toBe(2);
    await new Promise((r) => setTimeout(r, 150)); // the emulator has applied it
    child.kill('SIGKILL');
    await exited;

    const db = w.ctx.deps.db;
    const intents = await db.selectFrom('ledger').select('id').where('status', '=', 'intent').execute();
    expect(intents).toHaveLength(5); // the batch whose answer never came
    expect(w.trakt.plays('alice')).toHaveLength(10); // two batches reached Trakt
    expect(await readLease(db, 'sync')).toBeDefined(); // the killed run still holds the lease…

    await new Promise((r) => setTimeout(r, 1600)); // …until it lapses
    const run = await w.run();
    expect(run.status).toBe('succeeded');
    const plays = w.trakt.plays('alice');
    expect(plays).toHaveLength(18);
    expect(new Set(plays.map((p) => p.trakt)).size).toBe(18); // one play per item, none twice
    const left = await db.selectFrom('ledger').select(['status', 'outcome']).where('outcome', '=', 'found after restart').execute();
    expect(left).toHaveLength(5);
    expect(await db.selectFrom('ledger').select('id').where('status', '=', 'intent').execute()).toHaveLength(0);
    const runs = await db.selectFrom('sync_runs').select(['id', 'status']).orderBy('id').execute();
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
  }, 30_000);
});
