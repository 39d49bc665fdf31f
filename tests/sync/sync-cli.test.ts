/**
 * `plex-trakt-sync sync`: with a server alive on the same database the real CLI (a child
 * process) asks it to run and follows it, printing one JSON line; without one it runs
 * in-process; bad options and an unconnected Plex are sentences with exit 1.
 */
import { serve } from '@hono/node-server';
import { spawn } from 'node:child_process';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { setSetting } from '../../src/db/repos/settings.js';
import { syncCommand, type CliIo } from '../../src/sync/cli-sync.js';
import { startServerBeacon } from '../../src/sync/server-beacon.js';
import { createSyncPorts } from '../../src/sync/wiring.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../fakes/trakt/index.js';
import { buildLibrary } from './sync-library.js';
import { standInClient, targetOf } from './sync-plex-standin.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

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
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sync', ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
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

  it('refuses an unknown option with the usage', async () => {
    const io = capture();
    expect(await syncCommand(loadConfig(env), ['--everything'], io)).toBe(1);
    expect(io.err_[0]).toBe('Unknown option --everything. Usage: plex-trakt-sync sync [--dry-run] [--full]');
    expect(io.out_).toEqual([]);
  });
});
