/**
 * `plex-trakt-sync sync`: with a server alive on the same database the real CLI (a child
 * process) asks it to run and follows it, printing one JSON line; without one it runs
 * in-process; bad options and an unconnected Plex are sentences with exit 1. Every exit
 * prints exactly one JSON line on stdout: busy (a local lease or the server's 409), a
 * server's refusal, and giving up on following a run included.
 */
import { serve } from '@hono/node-server';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { tryAcquireLease } from '../../src/db/repos/locks.js';
import { deleteSetting, setSetting } from '../../src/db/repos/settings.js';
import { SYNC_LEASE } from '../../src/sync/run.js';
import { syncCommand, type CliIo } from '../../src/cli/sync.js';
import { startServerBeacon } from '../../src/sync/server-beacon.js';
import { createSyncPorts } from '../../src/sync/wiring.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fakes/trakt/index.js';
import { buildLibrary } from './sync-library.js';
import { standInClient, targetOf } from './sync-plex-standin.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';
import { nodeArgs } from '../helpers/node-entry.js';

const T = 1_750_000_000;
let w: SyncWorld;
let server: http.Server;
let url = '';
let env: Record<string, string>;

beforeAll(async () => {
  const lib = buildLibrary({ movies: 4, shows: 1, episodesPerShow: 2 });
  lib.movies.forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: T + i }));
  w = await makeSyncWorld(lib);
  server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: w.ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env = { DATA_DIR: w.ctx.dataDir, TRAKT_API_URL: w.trakt.url, TRAKT_OAUTH_URL: w.trakt.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET };
});
afterAll(async () => {
  w?.ctx.deps.bus.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await w?.close();
});

function capture(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => out_.push(l), err: (l) => err_.push(l) };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs('cli'), 'sync', ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

describe('plex-trakt-sync sync', () => {
  it('hands the run to the server alive on the same database and prints one JSON line', async () => {
    const beacon = startServerBeacon(w.ctx.deps.db, url);
    try {
      const { code, stdout, stderr } = await runCli([]);
      expect(code, stderr).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const summary = JSON.parse(lines[0]!);
      expect(summary).toMatchObject({ status: 'succeeded', trigger: 'cli', counts: { addedToTrakt: 4 } });
      expect(stderr).toContain(`running in the server at ${url}`);
      expect(w.trakt.plays('alice')).toHaveLength(4);
    } finally {
      await beacon.stop();
    }
  }, 40_000);

  it('runs in-process when no server is alive (a stale beacon is ignored); --dry-run writes nothing', async () => {
    await setSetting(w.ctx.deps.db, 'server.beacon', { url: 'http://127.0.0.1:9', pid: 1, at: Date.now() - 120_000 });
    w.plex.watch(w.lib.shows[0]!.episodes[0]!.key); // marked watched by hand in Plex: lastViewedAt = now
    const io = capture();
    const code = await syncCommand(loadConfig(env), ['--dry-run'], io, { ports: (deps) => createSyncPorts(deps, { plex: async () => standInClient(targetOf(w.plex)) }) });
    expect(code).toBe(0);
    expect(io.out_).toHaveLength(1);
    expect(JSON.parse(io.out_[0]!)).toMatchObject({ status: 'succeeded', dryRun: true, trigger: 'cli', progress: { writesPlanned: 1, writesDone: 0 } });
    expect(io.err_.some((l) => /sync \d+: done/.test(l))).toBe(true);
    expect(w.trakt.plays('alice')).toHaveLength(4);
  });

  it('uses the Plex server preset by PLEX_URL and PLEX_TOKEN', async () => {
    w.plex.watch(w.lib.shows[0]!.episodes[1]!.key);
    const io = capture();
    const code = await syncCommand(loadConfig({ ...env, PLEX_URL: w.plex.url, PLEX_TOKEN: w.plex.token }), [], io);
    expect(code, io.err_.join('\n')).toBe(0);
    expect(JSON.parse(io.out_[0]!)).toMatchObject({ status: 'succeeded', counts: { addedToTrakt: 2 } });
    expect(w.trakt.plays('alice')).toHaveLength(6);
  });

  it('says what to connect when Plex is not connected (exit 1, still one JSON line)', async () => {
    const io = capture();
    const code = await syncCommand(loadConfig(env), [], io);
    expect(code).toBe(1);
    expect(JSON.parse(io.out_[0]!).error).toBe('Plex is not connected. Sign in with Plex in Settings, then run the sync again.');
    expect(io.err_).toContain('Plex is not connected. Sign in with Plex in Settings, then run the sync again.');
  });

  it('refuses an unknown option with the usage (exit 1, one JSON line)', async () => {
    const io = capture();
    expect(await syncCommand(loadConfig(env), ['--everything'], io)).toBe(1);
    expect(io.err_[0]).toBe('Unknown option --everything. Usage: plex-trakt-sync sync [--dry-run] [--full] [--yes] [--person NAME|ID]');
    expect(io.out_.map((l) => JSON.parse(l))).toEqual([{ status: 'error', error: 'Unknown option --everything. Usage: plex-trakt-sync sync [--dry-run] [--full] [--yes] [--person NAME|ID]' }]);
  });
});

/** A stand-in for a running server: answers POST /api/v1/sync with `status`, and every run as still running. */
async function fakeServer(status: number, body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const s = http.createServer((req, res) => {
    const answer = req.url?.startsWith('/api/v1/runs/') ? { code: 200, body: { id: 7, status: 'running', phase: 'plex', progress: { scanned: 0, scanTotal: 0, writesDone: 0, writesPlanned: 0 } } } : { code: status, body };
    res.writeHead(answer.code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))),
  };
}

describe('plex-trakt-sync sync: one JSON line on every exit', () => {
  const inProcess = { ports: (deps: Parameters<typeof createSyncPorts>[0]) => createSyncPorts(deps, { plex: async () => standInClient(targetOf(w.plex)) }) };

  async function withServer(status: number, body: unknown, fn: () => Promise<void>) {
    const fake = await fakeServer(status, body);
    await setSetting(w.ctx.deps.db, 'server.beacon', { url: fake.url, pid: 1, at: Date.now() });
    try {
      await fn();
    } finally {
      await deleteSetting(w.ctx.deps.db, 'server.beacon');
      await fake.close();
    }
  }

  it('a run already going in this database (the lease is held): {"status":"busy"}, exit 1', async () => {
    await deleteSetting(w.ctx.deps.db, 'server.beacon');
    const lease = await tryAcquireLease(w.ctx.deps.db, SYNC_LEASE, 'another-process', 60_000);
    expect(lease).toBeTruthy();
    try {
      const io = capture();
      expect(await syncCommand(loadConfig(env), [], io, inProcess)).toBe(1);
      expect(io.out_).toHaveLength(1);
      expect(JSON.parse(io.out_[0]!)).toEqual({ status: 'busy', error: expect.stringMatching(/already running/) });
    } finally {
      await lease!.release();
    }
  });

  it("the server's 409: {\"status\":\"busy\"}, exit 1", async () => {
    await withServer(409, { error: 'conflict', message: 'A sync is already running. Wait for it to finish (see Sync runs), then try again.' }, async () => {
      const io = capture();
      expect(await syncCommand(loadConfig(env), [], io, inProcess)).toBe(1);
      expect(io.out_.map((l) => JSON.parse(l))).toEqual([{ status: 'busy', error: 'A sync is already running. Wait for it to finish (see Sync runs), then try again.' }]);
    });
  });

  it('the server refuses with another status: {"status":"error","httpStatus":…}, exit 1', async () => {
    await withServer(401, { error: 'unauthorized' }, async () => {
      const io = capture();
      expect(await syncCommand(loadConfig(env), [], io, inProcess)).toBe(1);
      expect(io.out_).toHaveLength(1);
      expect(JSON.parse(io.out_[0]!)).toEqual({ status: 'error', httpStatus: 401, error: expect.stringContaining('refused the sync (HTTP 401)') });
    });
  });

  it('following a run that does not end in time: {"status":"timeout","runId":…}, exit 1', async () => {
    await withServer(202, { runId: 7 }, async () => {
      const io = capture();
      expect(await syncCommand(loadConfig(env), [], io, { ...inProcess, pollMs: 10, followForMs: 100 })).toBe(1);
      expect(io.out_).toHaveLength(1);
      expect(JSON.parse(io.out_[0]!)).toEqual({ status: 'timeout', runId: 7, error: expect.stringContaining('sync 7 is still running in the server') });
    });
  });
});
