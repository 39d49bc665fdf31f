/**
 * "Mirror un-watching" (removals, opt-in) against the Trakt emulator and the Plex stand-in:
 * off by default (nothing removed), and when on only transitions seen between two runs
 * count: never on the first run; unwatched in Plex → removed from Trakt history; removed
 * from Trakt → marked unwatched in Plex; a dry run only plans; every write is a ledger
 * row; the run after writes nothing; a play we removed is sent again after a re-watch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSyncSettings, saveSyncSettings } from '../../src/sync/settings.js';
import { DEFAULT_CLIENT_ID } from '../fakes/trakt/index.js';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T1 = 1_750_000_000;

function library() {
  const lib = buildLibrary({ movies: 5, shows: 1, episodesPerShow: 2 });
  const [m1, m2, m3, m4] = lib.movies;
  for (const m of [m1!, m2!]) {
    m.plex = { viewCount: 1, lastViewedAt: T1 };
    m.trakt = { plays: [iso(T1)] };
  }
  m3!.plex = { viewCount: 1, lastViewedAt: T1 + 60 }; // Plex only: added to Trakt by the first run
  m4!.trakt = { plays: [iso(T1)] }; // Trakt only: marked watched in Plex by the first run
  const e1 = lib.shows[0]!.episodes[0]!;
  e1.plex = { viewCount: 1, lastViewedAt: T1 };
  e1.trakt = { plays: [iso(T1)] };
  return lib;
}

/** Removes every play of a movie on Trakt "by hand" (trakt.tv), through the emulator's API. */
async function removeOnTrakt(w: SyncWorld, trakt: number) {
  const res = await fetch(`${w.trakt.url}/sync/history/remove`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'user-agent': 'sync-unwatch-tests/1.0', 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2',
      authorization: `Bearer ${w.trakt.issueToken(w.lib.owner.traktUsername).access_token}`,
    },
    body: JSON.stringify({ movies: [{ ids: { trakt } }] }),
  });
  expect(res.status).toBe(200);
}

const playsOf = (w: SyncWorld, trakt: number) => w.trakt.plays('alice').filter((p) => p.trakt === trakt);
const plexWatched = (w: SyncWorld, key: string) => w.plex.stateOf(key).every((s) => s.viewCount > 0);
const removals = (w: SyncWorld) =>
  w.ctx.deps.sqlite.prepare(`SELECT action, status, outcome, source, item_key, title FROM ledger WHERE action IN ('history.remove', 'plex.unwatched') ORDER BY id`).all() as Array<Record<string, unknown>>;

describe('mirror un-watching: off (the default)', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await makeSyncWorld(library());
  });
  afterAll(async () => w?.close());

  it('is off by default, and then nothing is ever removed on either side', async () => {
    expect((await getSyncSettings(w.ctx.deps.db)).mirrorUnwatch).toBe(false);
    const [m1, m2] = w.lib.movies;
    expect((await w.run()).status).toBe('succeeded');
    w.plex.unwatch(m1!.key);
    await removeOnTrakt(w, m2!.traktId!);
    const run = await w.run();
    expect(run.status).toBe('succeeded');
    expect(playsOf(w, m1!.traktId!)).toHaveLength(1); // still on Trakt
    expect(plexWatched(w, m2!.key)).toBe(true); // still watched in Plex
    expect(removals(w)).toEqual([]);
    expect(run).toMatchObject({ removed_from_trakt: 0, unwatched_in_plex: 0 });
  });
});

describe('mirror un-watching: on', () => {
  let w: SyncWorld;
  beforeAll(async () => {
    w = await makeSyncWorld(library());
    await saveSyncSettings(w.ctx.deps.db, { ...(await getSyncSettings(w.ctx.deps.db)), mirrorUnwatch: true });
  });
  afterAll(async () => w?.close());

  it('the first run only takes note: nothing is removed', async () => {
    const run = await w.run();
    expect(run.status).toBe('succeeded');
    expect(run).toMatchObject({ added_to_trakt: 1, marked_in_plex: 1, removed_from_trakt: 0, unwatched_in_plex: 0 });
    expect(JSON.parse(run.plan!).counts).toMatchObject({ fromTrakt: 0, unwatchInPlex: 0 });
    expect(removals(w)).toEqual([]);
  });

  it('a dry run shows the removals it would make and makes none', async () => {
    const [m1, m2] = w.lib.movies;
    const e1 = w.lib.shows[0]!.episodes[0]!;
    w.plex.unwatch(m1!.key); // unwatched in Plex → remove from Trakt
    w.plex.unwatch(e1.key);
    await removeOnTrakt(w, m2!.traktId!); // removed on Trakt → unwatch in Plex
    const run = await w.run({ dryRun: true });
    expect(run.status).toBe('succeeded');
    const plan = JSON.parse(run.plan!);
    expect(plan.counts).toMatchObject({ fromTrakt: 2, unwatchInPlex: 1, toTrakt: 0, toPlex: 0 });
    expect(plan.fromTrakt.map((i: { title: string }) => i.title).sort()).toEqual([m1!.title, expect.stringContaining(w.lib.shows[0]!.title)].sort());
    expect(plan.unwatchInPlex.map((i: { title: string }) => i.title)).toEqual([m2!.title]);
    expect(playsOf(w, m1!.traktId!)).toHaveLength(1);
    expect(plexWatched(w, m2!.key)).toBe(true);
    expect(removals(w)).toEqual([]);
  });

  it('the next run makes them, with ledger rows, and adds nothing back', async () => {
    const [m1, m2] = w.lib.movies;
    const e1 = w.lib.shows[0]!.episodes[0]!;
    const run = await w.run();
    expect(run.status).toBe('succeeded');
    expect(run).toMatchObject({ removed_from_trakt: 2, unwatched_in_plex: 1, added_to_trakt: 0, marked_in_plex: 0, errors: 0 });
    expect(playsOf(w, m1!.traktId!)).toHaveLength(0);
    expect(playsOf(w, e1.traktId!)).toHaveLength(0);
    expect(plexWatched(w, m1!.key)).toBe(false); // not marked watched again
    expect(plexWatched(w, m2!.key)).toBe(false);
    expect(playsOf(w, m2!.traktId!)).toHaveLength(0); // not added back
    const rows = removals(w);
    expect(rows.map((r) => [r.action, r.status, r.source])).toEqual(
      expect.arrayContaining([['history.remove', 'sent', 'sync'], ['history.remove', 'sent', 'sync'], ['plex.unwatched', 'sent', 'sync']]),
    );
    expect(rows).toHaveLength(3);
  });

  it('the run after writes nothing', async () => {
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', planned_writes: 0, trakt_writes: 0 });
  });

  it('a play the sync sent and later removed is sent again when watched again in Plex', async () => {
    const m3 = w.lib.movies[2]!;
    expect(playsOf(w, m3.traktId!)).toHaveLength(1); // added by the first run
    w.plex.unwatch(m3.key);
    expect(await w.run()).toMatchObject({ status: 'succeeded', removed_from_trakt: 1 });
    expect(playsOf(w, m3.traktId!)).toHaveLength(0);
    w.plex.watch(m3.key, T1 + 3600);
    expect(await w.run()).toMatchObject({ status: 'succeeded', added_to_trakt: 1, removed_from_trakt: 0 });
    expect(playsOf(w, m3.traktId!).map((p) => p.watched_at)).toEqual([iso(T1 + 3600)]);
  });

  it('turning it off forgets what it noted: turned on again, the first run only takes note', async () => {
    const m4 = w.lib.movies[3]!;
    await saveSyncSettings(w.ctx.deps.db, { ...(await getSyncSettings(w.ctx.deps.db)), mirrorUnwatch: false });
    await w.run();
    await saveSyncSettings(w.ctx.deps.db, { ...(await getSyncSettings(w.ctx.deps.db)), mirrorUnwatch: true });
    w.plex.unwatch(m4.key);
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', removed_from_trakt: 0 });
    expect(playsOf(w, m4.traktId!)).toHaveLength(1);
  });
});
