/**
 * The plan lives in SQLite, not in JS arrays (issue 18): the writers read it back a chunk at a
 * time (plays in watched order across chunk boundaries), plans are kept per person, approval
 * drops plays the ledger got meanwhile in SQL, and the Trakt and Plex lanes write side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRun } from '../../src/db/repos/sync-runs.js';
import { recordIntents } from '../../src/ledger/repo.js';
import { computePlan } from '../../src/sync/plan.js';
import { addPlanItems, PLAN_COLUMNS, PLAN_ITEM_SQL, planCounts, planPage, planSource, type PlanList, type PlanRef, type PlanSource } from '../../src/sync/plan-store.js';
import { toItem, type PlanItem, type Row } from '../../src/sync/plan-sql.js';
import type { SyncPlex, SyncTrakt } from '../../src/sync/ports.js';
import { getSyncSettings } from '../../src/sync/settings.js';
import { withoutRecordedPlays } from '../../src/sync/write-plan.js';
import { writePlex } from '../../src/sync/write-plex.js';
import { PLAN_CHUNK, writeTraktBatches } from '../../src/sync/write-trakt.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';
import { startSyncRun } from '../../src/sync/run.js';

let ctx: TestContext | undefined;
let world: SyncWorld | undefined;
afterEach(async () => {
  await ctx?.close();
  await world?.close();
  ctx = undefined;
  world = undefined;
});

const movie = (n: number, watchedAt: number): PlanItem => ({
  kind: 'movie', itemKey: `movie:imdb:tt${n}`, idsHash: null, title: `Movie ${n}`, ratingKey: String(n), ids: { imdb: `tt${n}` }, watchedAt,
});

/** The real plan source, with every read it makes written down (how many items each gave). */
function watched(source: PlanSource): PlanSource & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    size: source.size,
    next(n: number) {
      const items = source.next(n);
      reads.push(items.length);
      return items;
    },
  };
}


describe('the writers read the plan in chunks', () => {
  it('Trakt: 2,300 plays go out in watched order, read from SQLite ≤ 1,000 at a time', async () => {
    ctx = await makeTestContext();
    const { sqlite, db, log } = ctx.deps;
    const runId = await createRun(db, 'manual', false, false);
    const n = 2_300;
    // Planned in key order; watched times shuffled, with ties straddling batches and chunks.
    const items = Array.from({ length: n }, (_, i) => movie(i + 1, 1_600_000_000_000 + ((i * 7919) % 1_000) * 60_000));
    addPlanItems(sqlite, { runId }, 'toTrakt', items);
    const bodies: Array<{ movies: Array<{ ids: { imdb: string }; watched_at: string }> }> = [];
    const trakt: SyncTrakt = {
      accountId: 1,
      get: async () => ({ status: 200, body: [], headers: {} }),
      post: async (_path, body) => {
        bodies.push(body as (typeof bodies)[number]);
        return { status: 201, body: { added: { movies: bodies.at(-1)!.movies.length, episodes: 0 }, not_found: { movies: [] } }, headers: {} };
      },
      probe: undefined as never,
    };
    const source = watched(planSource(sqlite, { runId }, 'toTrakt'));
    const res = await writeTraktBatches({ db, sqlite, trakt, serverId: 'srv', runId, log, batchSize: 250, gapAfterAnswerMs: 0 }, source, 'history');
    expect(res).toMatchObject({ sent: n, failed: 0, requests: Math.ceil(n / 250) });
    // Never the whole plan in one read: chunks, at least three of them for 2,300 items.
    expect(source.reads.filter((r) => r > 0).length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...source.reads)).toBeLessThanOrEqual(PLAN_CHUNK);
    // Sent in watched order (ties in planned order), across batch and chunk boundaries.
    const sent = bodies.flatMap((b) => b.movies.map((m) => `${m.watched_at} ${m.ids.imdb.slice(2).padStart(5, '0')}`));
    expect(sent).toHaveLength(n);
    expect(sent).toEqual([...sent].sort());
    expect(new Set(sent).size).toBe(n);
  });

  it('Plex: 1,200 marks, read ≤ 500 at a time by the workers together', async () => {
    ctx = await makeTestContext();
    const { sqlite, db, log } = ctx.deps;
    const runId = await createRun(db, 'manual', false, false);
    addPlanItems(sqlite, { runId }, 'toPlex', Array.from({ length: 1_200 }, (_, i) => movie(i + 1, 0)));
    const marked: string[] = [];
    const plex = { machineIdentifier: 'srv', markWatched: async (k: string) => void marked.push(k) } as unknown as SyncPlex;
    const source = watched(planSource(sqlite, { runId }, 'toPlex'));
    const res = await writePlex({ db, sqlite, plex, runId, log, concurrency: 4 }, source, 'watched');
    expect(res).toMatchObject({ done: 1_200, failed: 0 });
    expect(new Set(marked).size).toBe(1_200);
    expect(source.reads.filter((r) => r > 0).length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...source.reads)).toBeLessThanOrEqual(500);
  });
});

describe('plans in SQLite', () => {
  const T = 1_750_000_000;

  it('the item JSON made in SQL is the item toItem makes (ids only when set, episode titles, watched time of a play)', async () => {
    ctx = await makeTestContext();
    const base: Row = {
      type: 'movie', item_key: 'movie:imdb:tt1', ids_hash: 'h1', title: 'Heat', show_title: null, rating_key: '101', imdb: 'tt1', tmdb: 949, tvdb: null,
      show_imdb: null, show_tmdb: null, show_tvdb: null, season: null, number: null, trakt_season: null, trakt_number: null, last_viewed_at: 1_700_000_000_000, user_rating: null,
    };
    const rows: Array<[string, Row]> = [
      ['toTrakt', base],
      ['toTrakt', { ...base, imdb: '', tmdb: 0, tvdb: 81189, ids_hash: null, last_viewed_at: null }],
      ['toPlex', { ...base, type: 'show', title: 'Lost' }],
      ['toPlex', { ...base, type: 'episode', title: 'Pilot', show_title: 'Lost', imdb: null, tmdb: 5, show_tvdb: 73739, show_imdb: 'tt0411008', season: 1, number: 2, trakt_season: 1, trakt_number: 2 }],
      ['toTrakt', { ...base, type: 'episode', title: '', show_title: null, imdb: null, tmdb: null, season: null, number: 100, trakt_season: 0, trakt_number: null }],
    ];
    const stmt = ctx.deps.sqlite.prepare(`SELECT ${PLAN_ITEM_SQL} AS item FROM (SELECT @list AS list, ${PLAN_COLUMNS.map((c) => `@${c} AS ${c}`).join(', ')})`);
    for (const [list, r] of rows) {
      const fromSql = JSON.parse((stmt.get({ list, ...r }) as { item: string }).item) as PlanItem;
      expect(fromSql).toStrictEqual(list === 'toTrakt' ? { ...toItem(r), watchedAt: r.last_viewed_at } : toItem(r));
    }
  });

  it('are kept per person; the owner (1) unless said; counts read one person, pages one or all', async () => {
    ctx = await makeTestContext();
    const { sqlite, db } = ctx.deps;
    addPlanItems(sqlite, { runId: 7, person: 42 }, 'toPlex', [movie(1, 0), movie(2, 0)]);
    addPlanItems(sqlite, { runId: 7 }, 'toPlex', [movie(3, 0)]);
    expect(planCounts(sqlite, { runId: 7 }).toPlex).toBe(1);
    expect(planCounts(sqlite, { runId: 7, person: 42 }).toPlex).toBe(2);
    expect((await planPage(db, 7, 'toPlex', 1, 10, 1)).items.map((i) => i.itemKey)).toEqual(['movie:imdb:tt3']);
    expect((await planPage(db, 7, 'toPlex', 1, 10, 42)).total).toBe(2);
    // A held run's page shows every person's plan, one person after another.
    expect((await planPage(db, 7, 'toPlex', 1, 10)).items.map((i) => i.itemKey)).toEqual(['movie:imdb:tt3', 'movie:imdb:tt1', 'movie:imdb:tt2']);
  });

  it('a plan computed in SQL holds the same items the writers need; approval drops plays the ledger got meanwhile', async () => {
    const lib = buildLibrary({ movies: 6, shows: 1, episodesPerShow: 2 });
    const [m1, m2, m3, m4] = lib.movies;
    m1!.plex = { viewCount: 1, lastViewedAt: T + 60 };
    m2!.plex = { viewCount: 1, lastViewedAt: T };
    m3!.plex = { viewCount: 1, lastViewedAt: T + 30, userRating: 8 };
    m4!.trakt = { plays: [iso(T)] };
    lib.shows[0]!.episodes[0]!.plex = { viewCount: 1, lastViewedAt: T + 10 };
    world = await makeSyncWorld(lib);
    const w = world;
    // A dry run reads both sides and plans (its plan is dropped when it ends).
    const dry = await w.run({ dryRun: true });
    expect(dry.status).toBe('succeeded');
    const { sqlite, db } = w.ctx.deps;
    expect((sqlite.prepare('SELECT COUNT(*) AS n FROM sync_plan_items').get() as { n: number }).n).toBe(0);

    const ref: PlanRef = { runId: 99 };
    const plan = computePlan(sqlite, ref, w.accountId, w.lib.machineIdentifier, await getSyncSettings(db));
    expect(plan.counts).toMatchObject({ toTrakt: 4, toPlex: 1, ratingsToTrakt: 1 } satisfies Partial<Record<PlanList, number>>);
    const plays = planSource(sqlite, ref, 'toTrakt').next(10);
    // In watched order, each with its watched time (ms) and the episode with its numbering.
    expect(plays.map((p) => p.watchedAt)).toEqual([T, T + 10, T + 30, T + 60].map((s) => s * 1000));
    expect(plays[1]).toMatchObject({ kind: 'episode', season: expect.any(Number), number: expect.any(Number), traktSeason: expect.any(Number), traktNumber: expect.any(Number), show: expect.any(Object) });
    expect(planSource(sqlite, ref, 'ratingsToTrakt').next(10)).toEqual([expect.objectContaining({ itemKey: plays[2]!.itemKey, rating: 8, previousRating: 0 })]);
    // Planning again replaces the plan (it never adds to it), and leaves other people's alone.
    addPlanItems(sqlite, { runId: 99, person: 42 }, 'toPlex', [movie(1, 0)]);
    expect(computePlan(sqlite, ref, w.accountId, w.lib.machineIdentifier, await getSyncSettings(db)).counts).toEqual(plan.counts);
    expect(planCounts(sqlite, { runId: 99, person: 42 }).toPlex).toBe(1);

    // A webhook play of m1 while the plan waited: approval does not send it again.
    const m1Key = plays[3]!.itemKey;
    await recordIntents(db, [{ target: 'trakt', accountId: w.accountId, action: 'scrobble.stop', mediaType: 'movie', itemKey: m1Key, source: 'webhook' }]);
    const counts = withoutRecordedPlays(sqlite, w.accountId, { runId: 99, person: 1 });
    expect(counts.toTrakt).toBe(3);
    expect(planSource(sqlite, ref, 'toTrakt').next(10).map((p) => p.itemKey)).not.toContain(m1Key);
  });
});

describe('the Trakt and Plex lanes', () => {
  it('write side by side: Plex marks go out while Trakt batches wait their turn', async () => {
    const lib = buildLibrary({ movies: 12, shows: 0, episodesPerShow: 0 });
    lib.movies.forEach((m, i) => {
      if (i < 6) m.plex = { viewCount: 1, lastViewedAt: 1_750_000_000 + i };
      else m.trakt = { plays: [iso(1_750_000_000 + i)] };
    });
    world = await makeSyncWorld(lib);
    const w = world;
    // Trakt: 6 batches of one, 150 ms apart; Plex: 6 marks one at a time, answered after 150 ms.
    w.plex.server.latencyMs = 150;
    const plexBefore = w.plex.server.requests.length;
    const run = await w.run({}, { batchSize: 1, writeGapMs: 150, plexConcurrency: 1 });
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 6, marked_in_plex: 6, writes_done: 12, planned_writes: 12 });
    const posts = w.trakt.server.requests.filter((r) => r.method === 'POST' && r.path === '/sync/history').map((r) => r.at);
    const marks = w.plex.server.requests.slice(plexBefore).filter((r) => r.path === '/:/scrobble').map((r) => r.at);
    expect(posts).toHaveLength(6);
    expect(marks).toHaveLength(6);
    // One after the other, every mark would come after the last play batch.
    expect(marks[0]!).toBeLessThan(posts.at(-1)!);
    expect(posts[0]!).toBeLessThan(marks.at(-1)!);
  });

  it('a stop request stops both lanes after the write in flight; the next run finishes the job', async () => {
    const lib = buildLibrary({ movies: 12, shows: 0, episodesPerShow: 0 });
    lib.movies.forEach((m, i) => {
      if (i < 6) m.plex = { viewCount: 1, lastViewedAt: 1_750_000_000 + i };
      else m.trakt = { plays: [iso(1_750_000_000 + i)] };
    });
    world = await makeSyncWorld(lib);
    const w = world;
    w.plex.server.latencyMs = 100;
    const opts = { heartbeatMs: 200, progressMs: 0, batchSize: 1, writeGapMs: 100, plexConcurrency: 1 };
    const posts = () => w.trakt.server.requests.filter((r) => r.method === 'POST' && r.path === '/sync/history').length;
    const marks = () => w.plex.server.requests.filter((r) => r.path === '/:/scrobble').length;
    const stop = { now: () => {} };
    const started = await startSyncRun(w.ctx.deps, w.ports, { trigger: 'manual' }, {
      ...opts,
      // Stop once both lanes have written something.
      onProgress: () => {
        if (posts() >= 1 && marks() >= 1) stop.now();
      },
    });
    stop.now = started.stop;
    const run = await started.done;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/stopped early; the next run finishes the job/);
    // Each lane stopped: neither wrote its whole list.
    expect(posts()).toBeGreaterThanOrEqual(1);
    expect(posts()).toBeLessThan(6);
    expect(marks()).toBeGreaterThanOrEqual(1);
    expect(marks()).toBeLessThan(6);
    // And the stopped run's plan is gone; the next run writes the rest, nothing twice.
    expect((w.ctx.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM sync_plan_items').get() as { n: number }).n).toBe(0);
    const next = await w.run({}, opts);
    expect(next.status).toBe('succeeded');
    expect(posts() + marks()).toBe(12);
    expect(w.trakt.plays('alice').length).toBe(12);
  });
});
