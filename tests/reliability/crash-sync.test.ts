/**
 * SIGKILL during a sync's write phase: the real service (`serve` in a child process) with
 * PLEX_URL/PLEX_TOKEN on the Plex emulator and a connected account on the Trakt emulator,
 * a library with 540 Plex-only watched items (three /sync/history batches of up to 250,
 * paced by the real client) and 60 Trakt-only ones (marked in Plex after the Trakt writes).
 *
 * Two kills, each on a fresh data directory and fresh emulators:
 * - "applied, answer lost": batch 1 answered; batch 2 reaches Trakt, which applies it only
 *   after the service is dead (latency), so its 250 ledger rows are left as intents although
 *   Trakt has the plays. The next run must find them in Trakt's history, not send them again.
 * - "never applied": batch 2 hangs at Trakt (never answered, never applied). The next run
 *   must find them absent and send them.
 * After a restart on the same DATA_DIR (the dead run's lease is fast-forwarded: it would
 * lapse by itself within its 60 s TTL) a second sync must succeed, and: every Plex-only item
 * has exactly one play on Trakt, every Trakt-only item is watched in Plex, no ledger row is
 * left as an intent, and the database passes PRAGMA integrity_check.
 */
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeRequest, FakeResponse } from '../fakes/kit/server.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';
import { plexPresetEnv, traktEnv } from '../helpers/emulator-env.js';
import { preconnectTrakt } from '../helpers/trakt-connected.js';
import { buildLibrary, iso } from '../sync/sync-library.js';
import { until } from './harness.js';

const API_KEY = 'crash-sync-api-key-0123456789';
const DB_FILE = 'plex-trakt-sync.db';
const T = Math.floor(Date.now() / 1000) - 30 * 86400;

interface RunJson {
  id: number;
  status: string;
  phase: string;
  error: string | null;
  counts: { addedToTrakt: number; markedInPlex: number; errors: number };
}

/** 450 movies and 10 shows of 20 episodes: Plex-only, Trakt-only, both and neither. */
function makeLibrary() {
  const lib = buildLibrary({ movies: 450, shows: 10, episodesPerShow: 20, seasons: 2 });
  const plexOnly: Array<{ key: string; trakt: number }> = [];
  const traktOnly: string[] = [];
  const both: number[] = [];
  lib.movies.forEach((m, i) => {
    if (i < 380) {
      m.plex = { viewCount: 1, lastViewedAt: T + i * 60 };
      plexOnly.push({ key: m.key, trakt: m.traktId! });
    } else if (i < 420) {
      m.trakt = { plays: [iso(T + i * 60)] };
      traktOnly.push(m.key);
    } else if (i < 430) {
      m.plex = { viewCount: 1, lastViewedAt: T + i * 60 };
      m.trakt = { plays: [iso(T + i * 60)] };
      both.push(m.traktId!);
    }
  });
  lib.shows.forEach((s, j) =>
    s.episodes.forEach((e, k) => {
      const at = T + 100_000 + j * 3600 + k * 60;
      if (j < 8) {
        e.plex = { viewCount: 1, lastViewedAt: at };
        plexOnly.push({ key: e.key, trakt: e.traktId! });
      } else if (j === 8) {
        e.trakt = { plays: [iso(at)] };
        traktOnly.push(e.key);
      }
    }),
  );
  return { lib, plexOnly, traktOnly, both };
}

let child: ChildService | undefined;
let trakt: TraktFake | undefined;
let plex: PlexFakes | undefined;
afterEach(async () => {
  await child?.kill('SIGKILL');
  child = undefined;
  await plex?.stop();
  await trakt?.stop();
  plex = trakt = undefined;
});

async function api<T>(c: ChildService, p: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${c.url}${p}`, { ...init, headers: { 'x-api-key': API_KEY, ...(init.headers ?? {}) } });
  return { status: res.status, body: (await res.json()) as T };
}

const startSync = (c: ChildService) => api<{ runId?: number; message?: string }>(c, '/api/v1/sync', { method: 'POST' });

/** Opens the database read-only (the child stopped or killed), runs `fn`, closes it. */
function readDb<T>(dataDir: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

type Mode = 'applied, answer lost' | 'never applied';

/**
 * Holds the `nth` POST /sync/history at the Trakt emulator: applied (then its answer never
 * comes) or not applied at all (no answer either). Resolves once it arrived. Wraps the
 * emulator's request handler (the kit's faults match paths only, and the history mirror
 * GETs /sync/history too).
 */
function holdHistoryPost(fake: TraktFake, nth: number, apply: boolean): Promise<void> {
  const target = fake as unknown as { handle(req: FakeRequest): FakeResponse | Promise<FakeResponse> };
  const original = target.handle.bind(fake);
  let seen = 0;
  return new Promise((arrived) => {
    target.handle = (req) => {
      if (req.method !== 'POST' || req.path !== '/sync/history' || ++seen < nth) return original(req);
      target.handle = original;
      if (apply) original(req);
      arrived();
      return new Promise<FakeResponse>(() => undefined); // the caller waits until it dies
    };
  });
}

async function crashDuringWrites(mode: Mode) {
  const { lib, plexOnly, traktOnly, both } = makeLibrary();
  const t0 = Date.now();
  trakt = await startTraktFake({ rateLimits: false });
  seedTraktFromLibrary(trakt, lib);
  const seeded = trakt.plays('alice').length; // the Trakt-only and both-sides items
  plex = await startPlexFakes({ library: lib });
  const dataDir = tempDir('pts-crash-sync-');
  const env = { DATA_DIR: dataDir, API_KEY, ADMIN_PASSWORD: 'crash-sync-password', WEBHOOK_SECRET: 'crash-sync-webhook-secret', ...traktEnv(trakt), ...plexPresetEnv(plex) };
  await preconnectTrakt(env, trakt, 'alice');
  child = await startChildService(env);
  const first = child;

  const historyPosts = () => trakt!.server.received('/sync/history', 'POST').filter((r) => r.path === '/sync/history');
  // Batch 1 goes through; batch 2 (≥ 1 s later: the client's write pacing) is held at Trakt.
  const held = holdHistoryPost(trakt, 2, mode === 'applied, answer lost');
  const started = await startSync(first);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const runId = started.body.runId!;
  await until('the second /sync/history batch at Trakt', () => historyPosts().length, (n) => n >= 2, 30_000, 10);
  await held;
  const run = await api<RunJson>(first, `/api/v1/runs/${runId}`);
  expect(run.body.status).toBe('running');
  expect(run.body.phase).toBe('writing');
  await first.kill('SIGKILL');
  const killedAt = Date.now();

  // What the kill left: batch 1 sent, batch 2 intents, the run row still 'running'.
  const atKill = readDb(dataDir, (db) => ({
    integrity: db.pragma('integrity_check', { simple: true }),
    intents: (db.prepare("select count(*) n from ledger where status = 'intent'").get() as { n: number }).n,
    sent: (db.prepare("select count(*) n from ledger where status = 'sent' and action = 'history.add'").get() as { n: number }).n,
    runStatus: (db.prepare('select status from sync_runs where id = ?').get(runId) as { status: string }).status,
  }));
  expect(atKill).toEqual({ integrity: 'ok', intents: 250, sent: 250, runStatus: 'running' });
  expect(historyPosts()).toHaveLength(2);
  expect(trakt.plays('alice')).toHaveLength(seeded + (mode === 'applied, answer lost' ? 500 : 250));

  child = await startChildService(env);
  const second = child;
  // The dead run still holds the sync lease (60 s TTL, renewed by a heartbeat that stopped).
  const busy = await startSync(second);
  expect(busy.status).toBe(409);
  expect(busy.body.message).toMatch(/already running/);
  // Fast-forward the lapse instead of waiting up to a minute.
  const w = new BetterSqlite3(path.join(dataDir, DB_FILE), { fileMustExist: true });
  try {
    w.pragma('busy_timeout = 5000');
    expect(w.prepare("update locks set expires_at = 0 where name = 'sync'").run().changes).toBe(1);
  } finally {
    w.close();
  }
  const again = await startSync(second);
  expect(again.status, JSON.stringify(again.body)).toBe(202);
  const done = await until(
    `run ${again.body.runId} finished`,
    async () => (await api<RunJson>(second, `/api/v1/runs/${again.body.runId}`)).body,
    (r) => r.status !== 'running' && r.status !== 'queued',
    60_000,
    100,
  );
  expect(done.status, done.error ?? '').toBe('succeeded');
  expect(done.counts.errors).toBe(0);
  const killed = await api<RunJson>(second, `/api/v1/runs/${runId}`);
  expect(killed.body.status).toBe('interrupted');

  // Trakt: every Plex-only item exactly once, the items watched on both sides untouched.
  const plays = new Map<number, number>();
  for (const p of trakt.plays('alice')) plays.set(p.trakt, (plays.get(p.trakt) ?? 0) + 1);
  const wrong = plexOnly.filter((i) => plays.get(i.trakt) !== 1).map((i) => `${i.key}: ${plays.get(i.trakt) ?? 0}`);
  expect(wrong).toEqual([]);
  for (const t of both) expect(plays.get(t)).toBe(1);
  expect(trakt.plays('alice')).toHaveLength(seeded + plexOnly.length);
  // Plex: every Trakt-only item watched by the owner.
  const unwatched = traktOnly.filter((k) => !(plex!.pms.stateOf(k, 1).viewCount > 0));
  expect(unwatched).toEqual([]);

  await second.kill('SIGTERM');
  child = undefined;
  const after = readDb(dataDir, (db) => ({
    integrity: db.pragma('integrity_check', { simple: true }),
    intents: (db.prepare("select count(*) n from ledger where status = 'intent'").get() as { n: number }).n,
    outcomes: db.prepare("select outcome, count(*) n from ledger where action = 'history.add' and source_id = ? group by outcome order by outcome").all(runId),
    sentTwice: db
      .prepare("select item_key, count(*) n from ledger where target = 'trakt' and action = 'history.add' and status = 'sent' group by item_key having n > 1")
      .all(),
  }));
  expect(after.integrity).toBe('ok');
  expect(after.intents).toBe(0);
  expect(after.sentTwice).toEqual([]);
  expect(after.outcomes).toEqual(
    mode === 'applied, answer lost'
      ? [{ outcome: 'added', n: 250 }, { outcome: 'found after restart', n: 250 }]
      : [{ outcome: 'absent after restart', n: 250 }, { outcome: 'added', n: 250 }],
  );
  console.info(
    `crash sync (${mode}): killed ${killedAt - t0} ms after start with 250 sent and 250 intents; after restart: ${trakt.plays('alice').length} plays on Trakt, 0 duplicates, ${traktOnly.length} marked in Plex, integrity ok`,
  );
}

describe('SIGKILL during a sync write phase', () => {
  it('batch applied by Trakt but unanswered: the restarted service finds it, sends nothing twice, finishes', () => crashDuringWrites('applied, answer lost'), 60_000);
  it('batch never applied: the restarted service finds it absent and sends it once', () => crashDuringWrites('never applied'), 60_000);
});
