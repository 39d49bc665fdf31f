/**
 * Quiet runs read Plex incrementally, on Plex's own clock, and still miss nothing. Against the
 * full Plex emulator (tests/fakes/plex, reached through the production client) whose clock we
 * hold: a play or a rating moves lastViewedAt / lastRatedAt, never updatedAt, and an un-watch
 * leaves no time at all (API.md B.4). The run after a first run that marked items in Plex reads
 * a handful of items, not the marks; changes made by hand between runs are found, whether in
 * the same second as the last read, on an item the run marked, or un-watches that a watch of
 * another item would hide from a count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { startSyncRun } from '../../src/sync/run.js';
import { createSyncPorts } from '../../src/sync/wiring.js';
import { getSyncSettings, saveSyncSettings } from '../../src/sync/settings.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';
import { buildLibrary, iso } from './sync-library.js';
import type { Library } from '../fakes/library/model.js';

const T1 = 1_750_000_000;
/** Plex's clock: each reading moves it on by `tick` ms (0 holds it in one second). */
const clock = { ms: 1_800_000_000_000, tick: 1000 };

function library(): Library {
  const lib = buildLibrary({ movies: 40, shows: 2, episodesPerShow: 6 });
  lib.movies.forEach((m, i) => {
    if (i < 12) m.plex = { viewCount: 1, lastViewedAt: T1 + i * 60 }; // Plex only: to Trakt
    else if (i < 30) m.trakt = { plays: [iso(T1 + i * 60)] }; // Trakt only: marked in Plex
  });
  lib.shows[0]!.episodes.forEach((e, i) => (e.trakt = { plays: [iso(T1 + i * 60)] })); // marked in Plex
  lib.movies[35]!.trakt = { plays: [], rating: 7, ratedAt: iso(T1) }; // rated on Trakt: rated in Plex
  return lib;
}

let lib: Library;
let plex: PlexFakes;
let trakt: TraktFake;
let ctx: TestContext;
const requestsBefore = { plex: 0 };

async function run(): Promise<SyncRunRow> {
  requestsBefore.plex = plex.pms.server.requests.length;
  const started = await startSyncRun(ctx.deps, createSyncPorts(ctx.deps), { trigger: 'manual' }, { heartbeatMs: 200, progressMs: 20, writeGapMs: 0, plexPageSize: 5 });
  return started.done;
}

const playsOf = (traktId: number) => trakt.plays(lib.owner.traktUsername).filter((p) => p.trakt === traktId);
/** The newest play time Plex has (epoch s): where the last read left off. */
const newestPlay = () => Math.max(...[...lib.movies, ...lib.shows.flatMap((s) => s.episodes)].map((x) => plex.pms.stateOf(x.key).lastViewedAt ?? 0));
const mirrored = (ref: string) =>
  ctx.deps.sqlite.prepare('SELECT view_count, user_rating FROM plex_items WHERE rating_key = ?').get(plex.pms.ratingKeyOf(ref)) as { view_count: number; user_rating: number | null };

beforeAll(async () => {
  lib = library();
  trakt = await startTraktFake({ rateLimits: false });
  seedTraktFromLibrary(trakt, lib);
  plex = await startPlexFakes({ library: lib, now: () => (clock.ms += clock.tick) });
  ctx = await makeTestContext(
    { TRAKT_API_URL: trakt.url, TRAKT_OAUTH_URL: trakt.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, PLEX_URL: plex.pmsUrl, PLEX_TOKEN: plex.pms.tokenFor() },
    { tune: { trakt: { budgets: { writeLimit: 1, writeIntervalMs: 5 }, retry: { baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 5_000 } } },
  );
  await connectTraktAccount(ctx.deps, trakt, lib.owner.traktUsername);
});

afterAll(async () => {
  await ctx?.close();
  await plex?.stop();
  await trakt?.stop();
});

describe('quiet runs read Plex incrementally and miss nothing', () => {
  it('the first run reads everything and marks 24 items in Plex', async () => {
    const first = await run();
    expect(first).toMatchObject({ status: 'succeeded', marked_in_plex: 24, added_to_trakt: 12, ratings_to_plex: 1 });
  });

  it('the run right after reads a handful of items, not the 24 marks, and asks Trakt once', async () => {
    const quiet = await run();
    expect(quiet).toMatchObject({ status: 'succeeded', planned_writes: 0, trakt_writes: 0 });
    expect(quiet.trakt_gets).toBeLessThanOrEqual(2);
    // Only the items in the newest second of each time (the last mark, the last rating, the newest metadata).
    expect(quiet.scanned).toBeLessThanOrEqual(6);
    const pages = plex.pms.server.requests.slice(requestsBefore.plex).filter((r) => /\/all$/.test(r.path));
    expect(pages.length).toBeLessThanOrEqual(20); // counts and one page per time, per listing type
  });

  it('a play by hand in the same second as the newest mark is found', async () => {
    const m = lib.movies[31]!;
    plex.pms.markWatched(m.key, 1, newestPlay());
    const r = await run();
    expect(r).toMatchObject({ status: 'succeeded', added_to_trakt: 1 });
    expect(playsOf(m.traktId!)).toHaveLength(1);
  });

  it('an item the run marked, un-watched by hand while another is watched (the totals stay equal): both found', async () => {
    const marked = lib.movies[13]!; // marked watched by the first run (Trakt had it)
    const other = lib.movies[32]!;
    clock.tick = 0; // both in one second
    plex.pms.markUnwatched(marked.key);
    plex.pms.markWatched(other.key);
    clock.tick = 1000;
    expect(mirrored(marked.key).view_count).toBeGreaterThan(0);
    const r = await run();
    // The other play goes to Trakt; the un-watch is in the mirror (the ledger has the mark as
    // done, so the sync does not mark it again: un-watching in Plex is the user's to make).
    expect(r).toMatchObject({ status: 'succeeded', added_to_trakt: 1 });
    expect(playsOf(other.traktId!)).toHaveLength(1);
    expect(mirrored(marked.key).view_count).toBe(0);
  });

  it('an un-watch by hand, with nothing else changed, is seen by the mirror', async () => {
    const m = lib.movies[0]!; // watched in Plex from the start, sent to Trakt by the first run
    plex.pms.markUnwatched(m.key);
    const before = ctx.deps.sqlite.prepare('SELECT view_count FROM plex_items WHERE rating_key = ?').get(plex.pms.ratingKeyOf(m.key)) as { view_count: number };
    expect(before.view_count).toBeGreaterThan(0);
    const r = await run();
    expect(r.status).toBe('succeeded');
    // Trakt has the play (and no mark of ours is in the ledger), so Plex is marked watched again.
    expect(r.marked_in_plex).toBe(1);
    expect(plex.pms.stateOf(m.key).viewCount).toBeGreaterThan(0);
  });

  it('a rating by hand in the same second as the last read, on an item the run rated, is found', async () => {
    const m = lib.movies[35]!; // rated 7 in Plex by the first run: the newest rating, where the last read left off
    const ratedAt = (plex.pms.stateOf(m.key) as { lastRatedAt?: number }).lastRatedAt!;
    expect(ratedAt).toBeGreaterThan(0);
    const held = clock.ms;
    Object.assign(clock, { ms: ratedAt * 1000, tick: 0 }); // Plex's clock in that same second
    plex.pms.setRating(m.key, 3);
    Object.assign(clock, { ms: held, tick: 1000 });
    const r = await run();
    expect(r).toMatchObject({ status: 'succeeded', ratings_to_trakt: 1 });
    expect(mirrored(m.key).user_rating).toBe(3);
  });

  it('a rating cleared by hand is seen (Trakt has it, so Plex gets it back)', async () => {
    const m = lib.movies[35]!;
    plex.pms.setRating(m.key, null);
    const r = await run();
    expect(r.status).toBe('succeeded');
    expect(mirrored(m.key).user_rating).not.toBeNull();
    expect(plex.pms.stateOf(m.key).userRating).toBe(3);
  });

  it('an episode un-watched by hand is found too (episodes are counted per section)', async () => {
    const e = lib.shows[0]!.episodes[2]!; // marked by the first run
    plex.pms.markUnwatched(e.key);
    expect(mirrored(e.key).view_count).toBeGreaterThan(0);
    const r = await run();
    expect(r.status).toBe('succeeded');
    expect(mirrored(e.key).view_count).toBe(0);
  });

  it('and the run after all that is quiet again', async () => {
    const quiet = await run();
    expect(quiet).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(quiet.scanned).toBeLessThanOrEqual(6);
  });
});

describe('a quiet run does not plan again an empty plan, unless something it reads changed', () => {
  const note = () => ctx.deps.sqlite.prepare(`SELECT value FROM settings WHERE key LIKE 'sync.quietPlan.%'`).get() as { value: string } | undefined;

  it('a run that wrote plans again at its end and leaves the note; a quiet run keeps it', async () => {
    expect(note()).toBeDefined();
    await run();
    expect(note()).toBeDefined();
  });

  it('a play added on trakt.tv is marked in Plex (Trakt\'s list was read: planned)', async () => {
    const m = lib.movies[36]!;
    trakt.addPlay(lib.owner.traktUsername, { type: 'movie', trakt: m.traktId! }, iso(T1 + 99_000));
    trakt.world.user(lib.owner.traktUsername).activities.touch('movies', 'watched_at', Date.now() - 2000); // a past second: the next read is unambiguous
    const r = await run();
    expect(r).toMatchObject({ status: 'succeeded', marked_in_plex: 1 });
    expect(plex.pms.stateOf(m.key).viewCount).toBeGreaterThan(0);
  });

  it('a setting changed with nothing else: planned again (the settings are in the fingerprint)', async () => {
    const m = lib.movies[37]!;
    await saveSyncSettings(ctx.deps.db, { ...(await getSyncSettings(ctx.deps.db)), toPlex: false });
    trakt.addPlay(lib.owner.traktUsername, { type: 'movie', trakt: m.traktId! }, iso(T1 + 99_000));
    trakt.world.user(lib.owner.traktUsername).activities.touch('movies', 'watched_at', Date.now() - 1500);
    expect(await run()).toMatchObject({ status: 'succeeded', planned_writes: 0 }); // read, not marked: toPlex is off
    // Trakt's times are whole seconds: a read in a later second settles the list (tests/sync: sync-lost-answers).
    await new Promise((r) => setTimeout(r, 1100));
    expect(await run()).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(await run()).toMatchObject({ status: 'succeeded', planned_writes: 0, trakt_gets: 1 }); // quiet: the empty plan stands
    await saveSyncSettings(ctx.deps.db, { ...(await getSyncSettings(ctx.deps.db)), toPlex: true });
    const r = await run();
    expect(r).toMatchObject({ status: 'succeeded', marked_in_plex: 1 });
  });

  it('a run that stops half-way leaves no note', async () => {
    const stopped = await startSyncRun(ctx.deps, createSyncPorts(ctx.deps), { trigger: 'manual' }, { heartbeatMs: 200, writeGapMs: 0, plexPageSize: 5 });
    stopped.stop();
    expect((await stopped.done).status).toBe('failed');
    expect(note()).toBeUndefined();
    expect(await run()).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(note()).toBeDefined();
  });

  it('a server that refuses a filter it does not know (400) has that listing read whole: a rating by hand is still found', async () => {
    const m = lib.movies[20]!;
    plex.pms.setRating(m.key, 9);
    plex.pms.server.inject('/library/sections/', { kind: 'status', status: 400, body: 'Bad Request' }, 1_000, (req) => !!req.query?.includes('lastRatedAt'));
    try {
      const r = await run();
      expect(r).toMatchObject({ status: 'succeeded', ratings_to_trakt: 1 });
      expect(mirrored(m.key).user_rating).toBe(9);
      expect(plex.pms.server.requests.slice(requestsBefore.plex).some((q) => q.status === 400)).toBe(true);
    } finally {
      plex.pms.server.clearFaults();
    }
  });
});
