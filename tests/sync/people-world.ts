/**
 * A household on loopback for the per-person sync tests: the Plex emulators (the owner, kid a
 * protected Home user with PIN 4321, pal and guest friends), the Trakt emulator with one account
 * per person (owner, kid-trakt, pal-trakt; guest has none), and the real service with kid's PIN
 * stored and kid's and pal's own Trakt accounts connected by device code. The owner's generated
 * library is synced once before the caller's tests.
 */
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { upsertPlexAccount } from '../../src/db/repos/plex.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { runPersonLogin } from '../../src/people/trakt-login.js';
import { generateLibrary, isEdgeKey, type Library, type LibMovie } from '../fakes/library/index.js';
import { OWNER_PLEX_TV_ID, startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { LogCapture } from '../helpers/context.js';
import { loopbackServiceEnv, plexPresetEnv, traktEnv } from '../helpers/emulator-env.js';
import { preconnectTrakt } from '../helpers/trakt-connected.js';

export const KID = 5001;
export const PAL = 6001;
export const GUEST = 7001;

export interface HouseholdWorld {
  lib: Library;
  plex: PlexFakes;
  trakt: TraktFake;
  service: ServiceHandle;
  owner: string;
  logs: LogCapture;
  /** The service's environment (a CLI command on the same database uses it). */
  env: Record<string, string>;
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Starts a run (POST /api/v1/sync) and follows it to its end (GET /api/v1/runs/:id). */
  runSync(body?: Record<string, unknown>): Promise<any>;
  /** Follows a run to its end. */
  follow(runId: number): Promise<any>;
  /** Movies nobody has watched or rated anywhere yet, with one copy in Plex; fresh ones per call. */
  fresh(n: number): LibMovie[];
  playCount(username: string, m: LibMovie): number;
  watchedInPlex(m: LibMovie, accountId: number): boolean;
  stop(): Promise<void>;
}

export async function startHouseholdWorld(opts: { env?: Record<string, string>; movies?: number } = {}): Promise<HouseholdWorld> {
  const lib = generateLibrary({ seed: 1818, movies: opts.movies ?? 100, shows: 3, episodesPerShow: [2, 3], otherAccounts: 0, now: Math.floor(Date.now() / 1000) });
  const owner = lib.owner.traktUsername;
  const trakt = await startTraktFake({ rateLimits: false, deviceCodeIntervalSec: 1, users: [{ username: owner }, { username: 'kid-trakt' }, { username: 'pal-trakt' }] });
  seedTraktFromLibrary(trakt, lib);
  const plex = await startPlexFakes({ library: lib });
  plex.accounts.upsert({ id: KID, username: 'kid', kind: 'home', pin: '4321' });
  plex.accounts.upsert({ id: PAL, username: 'pal', kind: 'friend' });
  plex.accounts.upsert({ id: GUEST, username: 'guest', kind: 'friend' });
  const env = { ...loopbackServiceEnv('people-sync-password'), ...traktEnv(trakt), ...plexPresetEnv(plex), PLEX_TV_URL: plex.tvUrl, ...opts.env };
  await preconnectTrakt(env, trakt, owner);
  const logs = new LogCapture();
  const service = await startService(loadConfig(env), {
    logSink: logs,
    tune: { sync: { runner: { writeGapMs: 0, heartbeatMs: 500, progressMs: 50 } }, trakt: { retry: { baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 } } },
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${service.url}/api/v1${path}`, { ...init, headers: { 'x-api-key': service.deps.secrets.apiKey(), 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const follow = async (runId: number) => {
    for (let i = 0; i < 600; i++) {
      const run = (await (await api(`/runs/${runId}`)).json()) as any;
      if (run.status !== 'running') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${runId} did not finish`);
  };
  const runSync = async (body: Record<string, unknown> = {}) => {
    const res = await api('/sync', { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    return follow(((await res.json()) as { runId: number }).runId);
  };
  const used = new Set<string>();
  const fresh = (n: number) => {
    const out = lib.movies
      .filter((x) => !used.has(x.key) && x.agent === 'modern' && !isEdgeKey(x.key) && x.traktId !== null && x.trakt.plays.length === 0 && x.plex.viewCount === 0 && x.trakt.rating === undefined && x.plex.userRating === undefined && plex.pms.ratingKeysOf(x.key).length === 1)
      .slice(0, n);
    if (out.length < n) throw new Error('not enough fresh movies');
    for (const m of out) used.add(m.key);
    return out;
  };

  const { db, cipher } = service.deps;
  await upsertPlexAccount(db, { plexUserId: OWNER_PLEX_TV_ID, username: plex.accounts.owner.username, sealedToken: cipher.encrypt(plex.accounts.owner.userToken), isOwner: true });
  await service.deps.people.refresh({ force: true });
  expect((await api(`/people/${KID}`, { method: 'POST', body: JSON.stringify({ pin: '4321' }) })).status).toBe(200);
  for (const [id, user] of [[KID, 'kid-trakt'], [PAL, 'pal-trakt']] as const) {
    await runPersonLogin(service.deps, id, { onCode: (code) => expect(trakt.approveDevice(code.userCode, user)).toBe(true) });
  }
  // The owner's library as the generator made it (items Trakt does not know included) is synced once first.
  const first = await runSync({ full: true, approve: true });
  expect(first.people.map((p: any) => p.plexAccountId)).toEqual([1, KID, GUEST, PAL]);

  return {
    lib, plex, trakt, service, owner, logs, env, api, runSync, follow, fresh,
    playCount: (username, m) => trakt.plays(username).filter((p) => p.type === 'movie' && p.trakt === m.traktId).length,
    watchedInPlex: (m, accountId) => plex.pms.stateOf(m.key, accountId).viewCount > 0,
    async stop() {
      await service.close();
      await Promise.allSettled([plex.stop(), trakt.stop()]);
    },
  };
}
