/**
 * Writes whose answer is lost (DESIGN.md, "Writes whose answer is lost"): for every write path
 * of a sync (plays to Trakt, removals, ratings, Plex marks) and every way an answer can be lost
 * (a 5xx or 408 from the gateway, a cut connection, an unreadable 2xx, a time-out), whether the
 * write was carried out or not, the end state has exactly one play per item on Trakt and one
 * view per item in Plex. The emulators' "apply, then answer X" fault carries the write out and
 * then loses its answer, as Cloudflare in front of Trakt does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Fault, LostAnswer } from '../fakes/kit/server.js';
import type { Library } from '../fakes/library/model.js';
import { getSyncSettings, saveSyncSettings } from '../../src/sync/settings.js';
import { DEFAULT_CLIENT_ID } from '../fakes/trakt/index.js';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T = 1_750_000_000;
let w: SyncWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** Six movies watched in Plex only (a batch of 3 plays each), one movie watched on Trakt only. */
function library(): Library {
  const lib = buildLibrary({ movies: 7, shows: 0, episodesPerShow: 0 });
  lib.movies.slice(0, 6).forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: T + i * 60 }));
  lib.movies[6]!.trakt = { plays: [iso(T)] };
  return lib;
}

const KINDS: Array<[string, LostAnswer, Fault]> = [
  ['a 502', { status: 502, body: 'Bad Gateway' }, { kind: 'status', status: 502, body: 'Bad Gateway' }],
  ['a 500', { status: 500, body: '' }, { kind: 'status', status: 500, body: '' }],
  ["Cloudflare's 520", { status: 520, body: '' }, { kind: 'status', status: 520, body: '' }],
  ["Cloudflare's 524", { status: 524, body: '' }, { kind: 'status', status: 524, body: '' }],
  ['a 408', { status: 408, body: '' }, { kind: 'status', status: 408, body: '' }],
  ['a cut connection', 'drop', { kind: 'drop' }],
  ['an unreadable 200', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>origin slow</html>' }, { kind: 'garbage', body: '<html>origin slow</html>', contentType: 'text/html' }],
];

const playsPerMovie = (w: SyncWorld) => {
  const counts = new Map<number, number>();
  for (const p of w.trakt.plays('alice')) counts.set(p.trakt, (counts.get(p.trakt) ?? 0) + 1);
  return w.lib.movies.map((m) => counts.get(m.traktId!) ?? 0);
};
const POST_HISTORY = /^\/sync\/history$/;

describe.each(KINDS)('a lost answer (%s)', (_label, then, notApplied) => {
  it('to a batch of plays Trakt carried out: read back, not sent again; one play per item', async () => {
    w = await makeSyncWorld(library(), { seedTrakt: true });
    w.trakt.server.inject(POST_HISTORY, { kind: 'apply', then }, 1);
    const run = await w.run({}, { batchSize: 3 });
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 6, errors: 0 });
    expect(playsPerMovie(w)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(w.ctx.logs.text()).toMatch(/answer lost \(.+\); Trakt was read and 3 of 3 were already there/);
    expect(w.trakt.server.received('/sync/history', 'POST').filter((r) => r.path === '/sync/history')).toHaveLength(2); // two batches, none resent
    const again = await w.run({}, { batchSize: 3 });
    expect(again).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(playsPerMovie(w)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('to a batch of plays Trakt never received: read back, sent once more; one play per item', async () => {
    w = await makeSyncWorld(library());
    w.trakt.server.inject(POST_HISTORY, notApplied, 1);
    const run = await w.run({}, { batchSize: 3 });
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 6, errors: 0 });
    expect(playsPerMovie(w)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    // What the run's page shows among its log lines.
    expect(w.ctx.logs.text()).toMatch(/answer lost \(.+\); Trakt was read and 0 of 3 were already there; the other 3 are sent again/);
  });

  it('to a Plex mark the server carried out: the item is read, not marked again; one view', async () => {
    w = await makeSyncWorld(library());
    w.plex.server.inject('/:/scrobble', { kind: 'apply', then }, 1);
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', marked_in_plex: 1, errors: 0 });
    expect(w.plex.stateOf(w.lib.movies[6]!.key).map((s) => s.viewCount)).toEqual([1]);
    expect(w.plex.server.received('/:/scrobble', 'PUT')).toHaveLength(1);
  });
});

describe('lost answers to the other writes', () => {
  it('a Plex mark that never arrived (500): read back, sent once more; one view', async () => {
    w = await makeSyncWorld(library());
    w.plex.server.inject('/:/scrobble', { kind: 'status', status: 500, body: '' }, 1);
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', marked_in_plex: 1 });
    expect(w.plex.stateOf(w.lib.movies[6]!.key).map((s) => s.viewCount)).toEqual([1]);
    expect(w.plex.server.received('/:/scrobble', 'PUT')).toHaveLength(2);
  });

  it('a time-out after Trakt carried the batch out: read back, not sent again', async () => {
    w = await makeSyncWorld(library(), { client: { timeoutMs: 400 } });
    w.trakt.server.inject(POST_HISTORY, { kind: 'apply', then: 'timeout' }, 1);
    const run = await w.run({}, { batchSize: 3 });
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 6 });
    expect(playsPerMovie(w)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('ratings whose answer was lost are failed and sent again by the next run (setting a rating is safe to repeat)', async () => {
    const lib = library();
    lib.movies[0]!.plex.userRating = 8;
    w = await makeSyncWorld(lib);
    w.trakt.server.inject(/^\/sync\/ratings$/, { kind: 'apply', then: { status: 502, body: '' } }, 1);
    const first = await w.run();
    expect(first.status).toBe('partial');
    const second = await w.run();
    expect(second.status).toBe('succeeded');
    expect(w.trakt.ratings('alice').filter((r) => r.trakt === w!.lib.movies[0]!.traktId).map((r) => r.rating)).toEqual([8]);
    const third = await w.run();
    expect(third).toMatchObject({ status: 'succeeded', planned_writes: 0 });
  });

  it('both sides lose answers in one run and a crash follows: the next run settles from what is there; one play, one view', async () => {
    w = await makeSyncWorld(library());
    w.trakt.server.inject(POST_HISTORY, { kind: 'apply', then: 'drop' }, 1);
    w.trakt.server.inject('/sync/history/movies', { kind: 'status', status: 503, body: '' }, 50); // the read-back fails too
    w.plex.server.inject('/:/scrobble', { kind: 'apply', then: { status: 502, body: '' } }, 1);
    w.plex.server.inject('/library/metadata/', { kind: 'status', status: 503, body: '' }, 50);
    const first = await w.run({}, { batchSize: 3 });
    expect(first.status).toBe('partial');
    const intents = await w.ctx.deps.db.selectFrom('ledger').select('id').where('status', '=', 'intent').execute();
    expect(intents.length).toBeGreaterThan(0); // left for the next run to read
    w.trakt.server.clearFaults();
    w.plex.server.clearFaults();
    const second = await w.run({}, { batchSize: 3 });
    expect(second.status).toBe('succeeded');
    expect(playsPerMovie(w)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(w.plex.stateOf(w.lib.movies[6]!.key).map((s) => s.viewCount)).toEqual([1]);
    expect(await w.ctx.deps.db.selectFrom('ledger').select('id').where('status', '=', 'intent').execute()).toEqual([]);
  });
});

describe('lost answers to removals ("Mirror un-watching")', () => {
  it('a removal Trakt carried out and an unmark Plex carried out, both answered 502: nothing sent twice, the next run plans nothing', async () => {
    const lib = buildLibrary({ movies: 3, shows: 0, episodesPerShow: 0 });
    const [m1, m2] = lib.movies;
    for (const m of [m1!, m2!]) {
      m.plex = { viewCount: 1, lastViewedAt: T };
      m.trakt = { plays: [iso(T)] };
    }
    w = await makeSyncWorld(lib);
    await saveSyncSettings(w.ctx.deps.db, { ...(await getSyncSettings(w.ctx.deps.db)), mirrorUnwatch: true });
    expect((await w.run()).status).toBe('succeeded'); // the first run only takes note
    w.plex.unwatch(m1!.key); // → remove its play from Trakt
    await new Promise((r) => setTimeout(r, 1100)); // a change on trakt.tv a second later
    const token = w.trakt.issueToken('alice').access_token;
    // m2 removed on trakt.tv → unmarked in Plex.
    await fetch(`${w.trakt.url}/sync/history/remove`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'lost-answer-tests/1.0', 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2', authorization: `Bearer ${token}` },
      body: JSON.stringify({ movies: [{ ids: { trakt: m2!.traktId } }] }),
    });
    w.trakt.server.inject('/sync/history/remove', { kind: 'apply', then: { status: 502, body: '' } }, 1);
    w.plex.server.inject('/:/unscrobble', { kind: 'apply', then: { status: 502, body: '' } }, 1);
    const run = await w.run();
    expect(run.unwatched_in_plex).toBe(1);
    expect(w.plex.server.received('/:/unscrobble', 'PUT')).toHaveLength(1); // read back, not sent again
    expect(w.trakt.server.received('/sync/history/remove', 'POST')).toHaveLength(2); // trakt.tv's, then ours once
    const next = await w.run();
    expect(next).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(w.trakt.plays('alice').filter((p) => p.trakt === m1!.traktId || p.trakt === m2!.traktId)).toEqual([]);
    expect(w.plex.stateOf(m1!.key)[0]!.viewCount).toBe(0);
    expect(w.plex.stateOf(m2!.key)[0]!.viewCount).toBe(0);
    expect(await w.ctx.deps.db.selectFrom('ledger').select('id').where('status', '=', 'intent').execute()).toEqual([]);
  });
});

describe('quiet runs', () => {
  it('after a run that wrote, a run with nothing changed asks last_activities and nothing else; one change on Trakt costs a handful of GETs', async () => {
    const lib = buildLibrary({ movies: 30, shows: 3, episodesPerShow: 10 });
    lib.movies.forEach((m, i) => i % 2 === 0 && (m.plex = { viewCount: 1, lastViewedAt: T + i * 60 }));
    lib.shows.forEach((s) => s.episodes.forEach((e, i) => i % 3 === 0 && (e.trakt = { plays: [iso(T + i)] })));
    w = await makeSyncWorld(lib);
    const first = await w.run();
    expect(first.status).toBe('succeeded');
    expect(first.trakt_writes).toBeGreaterThan(0);
    const getsBefore = w.trakt.server.requests.filter((r) => r.method === 'GET').length;
    const quiet = await w.run();
    const gets = w.trakt.server.requests.filter((r) => r.method === 'GET').slice(getsBefore);
    expect(quiet).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    // Right after a run that wrote, an activity time in the same second is checked against the
    // counts that run read (one-item pages); no list is read again.
    expect(gets[0]!.path).toBe('/sync/last_activities');
    expect(gets.length).toBeLessThanOrEqual(3);
    for (const r of gets.slice(1)) expect(`${r.path}${r.query}`).toMatch(/^\/sync\/(history|ratings\/all)\?page=1&limit=1$/);
    // Once a run has read Trakt a second after its last change, last_activities alone.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await w.run()).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    const before2 = w.trakt.server.requests.length;
    expect(await w.run()).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(w.trakt.server.requests.slice(before2).filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(['/sync/last_activities']);
    // One movie watched on trakt.tv right away (the same second): the count shows it, its list is
    // read again, and it is marked in Plex.
    w.trakt.addPlay('alice', { type: 'movie', trakt: lib.movies[1]!.traktId! }, iso(T + 999));
    const n = w.trakt.server.requests.length;
    const changed = await w.run();
    expect(changed).toMatchObject({ status: 'succeeded', marked_in_plex: 1 });
    expect(w.trakt.server.requests.slice(n).filter((r) => r.method === 'GET').length).toBeLessThanOrEqual(4);
  });
});
