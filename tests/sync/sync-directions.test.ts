/**
 * The reconciliation run against the Trakt emulator and the Plex stand-in: both
 * directions, ratings with either priority, watched state not play counts, unmatched
 * items kept with a reason, and a second run that writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASONS } from '../../src/sync/match.js';
import { saveSyncSettings, getSyncSettings } from '../../src/sync/settings.js';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T1 = 1_750_000_000; // epoch seconds
const T2 = 1_751_000_000;

function library() {
  const lib = buildLibrary({ movies: 8, shows: 2, episodesPerShow: 4 });
  const [m1, m2, m3, , m5, m6, m7] = lib.movies;
  m1!.plex = { viewCount: 1, lastViewedAt: T1, userRating: 8 }; // Plex only → Trakt, rating → Trakt
  m2!.trakt = { plays: [iso(T2)], rating: 7 }; // Trakt only → Plex, rating → Plex
  m3!.plex = { viewCount: 1, lastViewedAt: T1, userRating: 6 }; // both watched; ratings conflict
  m3!.trakt = { plays: [iso(T1)], rating: 9 };
  m5!.plex = { viewCount: 3, lastViewedAt: T2 }; // watched three times in Plex → one play
  m6!.agent = 'local'; // unmatched
  m6!.plex = { viewCount: 1, lastViewedAt: T1 };
  m7!.sectionIds = [1, 3]; // the same movie in two libraries, with an edition: one play
  m7!.editions = ["Director's Cut"];
  m7!.plex = { viewCount: 1, lastViewedAt: T1 + 60 };
  lib.sections.push({ id: 3, title: 'Movies 4K', type: 'movie', agent: 'tv.plex.agents.movie' });
  const [e1, e2, e3, e4] = lib.shows[0]!.episodes;
  e1!.plex = { viewCount: 1, lastViewedAt: T1 };
  e2!.trakt = { plays: [iso(T2)] };
  e3!.plex = { viewCount: 1, lastViewedAt: T1 };
  e3!.trakt = { plays: [iso(T1)] };
  e4!.plex = { viewCount: 0, lastViewedAt: null, viewOffsetMs: 60_000 }; // in progress: not watched
  const legacy = lib.shows[1]!;
  legacy.agent = 'legacy-tvdb';
  legacy.episodes[0]!.plex = { viewCount: 1, lastViewedAt: T2 }; // by show + numbering
  legacy.episodes[1]!.trakt = { plays: [iso(T1)] };
  return lib;
}

let w: SyncWorld;
beforeAll(async () => {
  w = await makeSyncWorld(library());
});
afterAll(async () => w?.close());

const plays = () => w.trakt.plays('alice');
const playsOf = (trakt: number) => plays().filter((p) => p.trakt === trakt);

describe('a first sync', () => {
  it('defaults: both directions and ratings on, Plex wins', async () => {
    expect(await getSyncSettings(w.ctx.deps.db)).toMatchObject({ toTrakt: true, toPlex: true, ratings: true, ratingPriority: 'plex' });
  });

  it('writes both directions and ratings, and reports what it did', async () => {
    const before = plays().length;
    const run = await w.run();
    expect(run.status).toBe('succeeded');
    const [m1, m2, m3, , m5, m6, m7] = w.lib.movies;
    // Plex → Trakt, watched_at = lastViewedAt exactly
    expect(playsOf(m1!.traktId!).map((p) => p.watched_at)).toEqual([iso(T1)]);
    expect(playsOf(m5!.traktId!)).toHaveLength(1);
    expect(playsOf(m7!.traktId!).map((p) => p.watched_at)).toEqual([iso(T1 + 60)]);
    expect(playsOf(m3!.traktId!)).toHaveLength(1); // already there: untouched
    expect(playsOf(m6!.traktId!)).toHaveLength(0); // unmatched
    const [e1, e2, e3, e4] = w.lib.shows[0]!.episodes;
    expect(playsOf(e1!.traktId!)).toHaveLength(1);
    expect(playsOf(e3!.traktId!)).toHaveLength(1);
    expect(playsOf(e4!.traktId!)).toHaveLength(0);
    const legacy = w.lib.shows[1]!.episodes;
    expect(playsOf(legacy[0]!.traktId!).map((p) => p.watched_at)).toEqual([iso(T2)]);
    expect(plays().length - before).toBe(5); // m1, m5, m7, e1, legacy e1, and nothing else
    // Trakt → Plex
    expect(w.plex.stateOf(m2!.key)[0]!.viewCount).toBe(1);
    expect(w.plex.stateOf(e2!.key)[0]!.viewCount).toBe(1);
    expect(w.plex.stateOf(legacy[1]!.key)[0]!.viewCount).toBe(1);
    // ratings both ways; the conflict goes Plex's way by default
    const ratings = new Map(w.trakt.ratings('alice').map((r) => [r.trakt, r.rating]));
    expect(ratings.get(m1!.traktId!)).toBe(8);
    expect(ratings.get(m3!.traktId!)).toBe(6);
    expect(w.plex.stateOf(m2!.key)[0]!.userRating).toBe(7);
    expect(run).toMatchObject({ added_to_trakt: 5, marked_in_plex: 3, ratings_to_trakt: 2, ratings_to_plex: 1, errors: 0 });
    expect(run.unmatched).toBeGreaterThanOrEqual(1);
    expect(run.trakt_writes).toBe(2); // one history batch, one ratings batch
  });

  it('keeps the unmatched item with its reason', async () => {
    const rows = await w.ctx.deps.db.selectFrom('plex_items').select(['title', 'unmatched_reason']).where('unmatched_reason', 'is not', null).execute();
    expect(rows).toContainEqual({ title: 'Movie 6', unmatched_reason: REASONS.local });
  });

  it('a second run with nothing changed writes nothing', async () => {
    const before = plays().length;
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', planned_writes: 0, trakt_writes: 0, added_to_trakt: 0, marked_in_plex: 0 });
    expect(plays().length).toBe(before);
  });

  it('Trakt wins a rating conflict when the priority says so', async () => {
    const m4 = w.lib.movies[3]!;
    w.trakt.setRating('alice', { type: 'movie', trakt: m4.traktId! }, 9);
    w.trakt.world.user('alice').activities.touch('movies', 'rated_at', Date.now() + 1000); // as a rating on trakt.tv does (a second later: Trakt's times are whole seconds)
    w.plex.rate(m4.key, 4);
    await saveSyncSettings(w.ctx.deps.db, { ...(await getSyncSettings(w.ctx.deps.db)), ratingPriority: 'trakt' });
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', ratings_to_plex: 1, ratings_to_trakt: 0 });
    expect(w.plex.stateOf(m4.key)[0]!.userRating).toBe(9);
  });

  it('a direction turned off is not written', async () => {
    await saveSyncSettings(w.ctx.deps.db, { ...(await getSyncSettings(w.ctx.deps.db)), toTrakt: false, toPlex: false, ratings: false });
    w.plex.watch(w.lib.movies[7]!.key, T2);
    const m4 = w.lib.movies[3]!;
    w.trakt.addPlay('alice', { type: 'movie', trakt: m4.traktId! }, iso(T2));
    const before = plays().length;
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(plays().length).toBe(before);
    expect(w.plex.stateOf(m4.key)[0]!.viewCount).toBe(0);
  });
});
