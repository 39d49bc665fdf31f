/**
 * A property of the sync under any weather: whatever faults Trakt and Plex throw at it (answers
 * lost after the write was applied, 5xx, 429, cut connections, unreadable bodies, failing
 * read-backs), in any order, the runs end in the expected state on both sides and never in a
 * duplicate: one play per item added to Trakt, one view per item marked in Plex, nothing left
 * unsettled. Seeded schedules, so a failure names the seed that reproduces it
 * (FAULT_SEED=<n> runs that one alone).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Fault, FakeServer } from '../fakes/kit/server.js';
import type { Library } from '../fakes/library/model.js';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const SCHEDULES = Number(process.env.FAULT_SCHEDULES ?? 40);
const RUNS_WITH_FAULTS = 3;
const T = 1_750_000_000;

/** mulberry32: small, seedable, good enough to draw schedules. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Four movies and three episodes in every state: Plex only, Trakt only, both, neither; two ratings. */
function library(): Library {
  const lib = buildLibrary({ movies: 4, shows: 1, episodesPerShow: 3 });
  const [m1, m2, m3] = lib.movies;
  m1!.plex = { viewCount: 1, lastViewedAt: T, userRating: 8 };
  m2!.trakt = { plays: [iso(T + 60)] };
  m3!.plex = { viewCount: 2, lastViewedAt: T + 120 };
  m3!.trakt = { plays: [iso(T + 120)], rating: 6 };
  const [e1, e2] = lib.shows[0]!.episodes;
  e1!.plex = { viewCount: 1, lastViewedAt: T + 180 };
  e2!.trakt = { plays: [iso(T + 240)] };
  return lib;
}

const LOST: Fault[] = [
  { kind: 'apply', then: { status: 502, body: 'Bad Gateway' } },
  { kind: 'apply', then: { status: 500, body: '' } },
  { kind: 'apply', then: { status: 520, body: '' } },
  { kind: 'apply', then: { status: 524, body: '' } },
  { kind: 'apply', then: 'drop' },
  { kind: 'apply', then: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"added":{"mov' } },
];
const REFUSED_OR_DOWN: Fault[] = [
  { kind: 'status', status: 500, body: '' },
  { kind: 'status', status: 502, body: '' },
  { kind: 'status', status: 503, body: '' },
  { kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: '' },
  { kind: 'drop' },
  { kind: 'garbage', body: '<html>oops</html>', contentType: 'text/html' },
];
const TRAKT_TARGETS: Array<string | RegExp> = [/^\/sync\/history$/, /^\/sync\/history$/, /^\/sync\/ratings$/, '/sync/history/movies', '/sync/history/episodes', '/sync/watched', '/sync/last_activities'];
const PLEX_TARGETS: Array<string | RegExp> = ['/:/scrobble', '/:/scrobble', '/:/rate', '/library/metadata/', '/library/sections'];

interface Injected {
  server: 'trakt' | 'plex';
  match: string;
  fault: string;
  times: number;
}

function drawSchedule(seed: number, w: SyncWorld): Injected[] {
  const r = rng(seed);
  const out: Injected[] = [];
  for (let i = 0, n = 1 + Math.floor(r() * 5); i < n; i++) {
    const onTrakt = r() < 0.6;
    const server: FakeServer = onTrakt ? w.trakt.server : w.plex.server;
    const match = pick(r, onTrakt ? TRAKT_TARGETS : PLEX_TARGETS);
    const writeRoute = typeof match !== 'string' || match.startsWith('/:/');
    const fault = writeRoute && r() < 0.6 ? pick(r, LOST) : pick(r, REFUSED_OR_DOWN);
    const times = 1 + Math.floor(r() * 3);
    server.inject(match, fault, times);
    out.push({ server: onTrakt ? 'trakt' : 'plex', match: String(match), fault: JSON.stringify(fault), times });
  }
  return out;
}

function endState(w: SyncWorld) {
  const plays = new Map<number, number>();
  for (const p of w.trakt.plays('alice')) plays.set(p.trakt, (plays.get(p.trakt) ?? 0) + 1);
  const items = [...w.lib.movies, ...w.lib.shows.flatMap((s) => s.episodes)];
  return {
    traktPlays: items.map((i) => plays.get(i.traktId!) ?? 0),
    plexViews: items.map((i) => w.plex.stateOf(i.key).map((s) => s.viewCount)),
  };
}

/** One play on Trakt for whatever is watched anywhere (plays already there are kept); one view in Plex likewise. */
function expected(lib: Library) {
  const items = [...lib.movies, ...lib.shows.flatMap((s) => s.episodes)];
  return {
    traktPlays: items.map((i) => i.trakt.plays.length || (i.plex.viewCount > 0 ? 1 : 0)),
    plexViews: items.map((i) => [i.plex.viewCount || (i.trakt.plays.length > 0 ? 1 : 0)]),
  };
}

const only = process.env.FAULT_SEED ? [Number(process.env.FAULT_SEED)] : Array.from({ length: SCHEDULES }, (_, i) => 1000 + i);

describe('random fault schedules', () => {
  const worlds: SyncWorld[] = [];
  afterAll(async () => {
    for (const w of worlds) await w.close().catch(() => undefined);
  });

  it(`${only.length} seeded schedules (${RUNS_WITH_FAULTS} runs under faults, then one clean run each) end in the expected state, never a duplicate`, async () => {
    let runs = 0;
    for (const seed of only) {
      const lib = library();
      const want = expected(lib);
      const w = await makeSyncWorld(lib);
      worlds.push(w);
      const schedule = drawSchedule(seed, w);
      const why = `seed ${seed}: ${JSON.stringify(schedule)}`;
      for (let i = 0; i < RUNS_WITH_FAULTS; i++) {
        await w.run({}, { batchSize: 2 });
        runs++;
        // Never a duplicate at any point, not only at the end.
        const now = endState(w);
        now.traktPlays.forEach((n, k) => expect(n, `${why} (after run ${i + 1}, item ${k})`).toBeLessThanOrEqual(want.traktPlays[k]!));
        now.plexViews.forEach((v, k) => expect(v[0]!, `${why} (after run ${i + 1}, item ${k})`).toBeLessThanOrEqual(want.plexViews[k]![0]!));
      }
      w.trakt.server.clearFaults();
      w.plex.server.clearFaults();
      const last = await w.run({}, { batchSize: 2 });
      runs++;
      expect(last.status, `${why}: ${last.error}`).toBe('succeeded');
      expect(endState(w), why).toEqual(want);
      const open = await w.ctx.deps.db.selectFrom('ledger').select(['id', 'action', 'title']).where('status', '=', 'intent').execute();
      expect(open, why).toEqual([]);
      await w.close();
      worlds.pop();
    }
    expect(runs).toBe(only.length * (RUNS_WITH_FAULTS + 1));
  }, 600_000);
});
