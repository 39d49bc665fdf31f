/**
 * The run under trouble and its guard rails: 429 / 5xx / an expired token mid-run still
 * complete; a play the ledger has (from a webhook) is not re-sent; not_found is remembered
 * and not re-sent; a dry run writes nothing; one run at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recordIntents, settle } from '../../src/ledger/repo.js';
import { itemKey } from '../../src/ledger/item-key.js';
import { startSyncRun, SyncBusyError } from '../../src/sync/run.js';
import { iso, plexWatchedLibrary } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T = 1_750_000_000;
let w: SyncWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const distinct = (w: SyncWorld) => new Set(w.trakt.plays('alice').map((p) => p.trakt)).size;

describe('faults mid-run', () => {
  it('a 429 and a 502 on history writes are waited out / retried; the run completes, no duplicates', async () => {
    w = await makeSyncWorld(plexWatchedLibrary());
    w.trakt.server.inject('/sync/history', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '' }, 1);
    w.trakt.server.inject('/sync/history', { kind: 'status', status: 502, body: 'Bad Gateway' }, 1);
    const run = await w.run({}, { batchSize: 3 });
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 10, errors: 0 });
    expect(w.trakt.plays('alice')).toHaveLength(10);
    expect(distinct(w)).toBe(10);
  }, 15_000);

  it('an expired access token mid-run is refreshed and the run completes', async () => {
    w = await makeSyncWorld(plexWatchedLibrary());
    let expired = false;
    const run = await w.run({}, {
      batchSize: 4,
      onProgress: (r) => {
        if (!expired && r.phase === 'writing') {
          expired = true;
          w!.trakt.expireAccessTokens('alice');
        }
      },
    });
    expect(expired).toBe(true);
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 10 });
    expect(w.trakt.countOf('POST /oauth/token')).toBeGreaterThanOrEqual(1);
    expect(distinct(w)).toBe(10);
  });

  it('a batch whose answer is lost twice is read back each time, then left to the next run, which sends it once', async () => {
    w = await makeSyncWorld(plexWatchedLibrary(9));
    w.trakt.server.inject(/^\/sync\/history$/, { kind: 'status', status: 500, body: 'oops' }, 2); // the batch and its one resend
    const first = await w.run({}, { batchSize: 9 });
    expect(first).toMatchObject({ status: 'partial', added_to_trakt: 0, trakt_writes: 2 });
    expect(first.error).toMatch(/next run tries them again/);
    expect(w.trakt.server.received('/sync/history/movies', 'GET').length).toBe(2); // one read after each lost answer
    const second = await w.run({}, { batchSize: 9 });
    expect(second).toMatchObject({ status: 'succeeded', added_to_trakt: 9 });
    expect(w.trakt.plays('alice')).toHaveLength(9);
    expect(distinct(w)).toBe(9);
  });

  it('Trakt down for the whole write phase: stops after a few batches, the next run finishes', async () => {
    w = await makeSyncWorld(plexWatchedLibrary(12));
    w.trakt.server.inject('/sync/history', { kind: 'status', status: 503, body: '' }, 1000);
    const first = await w.run({}, { batchSize: 2 });
    expect(first.status).toBe('partial');
    expect(first.trakt_writes).toBeLessThanOrEqual(3 * 5); // three batches, five tries each, then it stops
    w.trakt.server.clearFaults();
    const second = await w.run({}, { batchSize: 2 });
    expect(second.status).toBe('succeeded');
    expect(w.trakt.plays('alice')).toHaveLength(12);
    expect(distinct(w)).toBe(12);
  });
});

describe('the ledger guards', () => {
  it('a play a webhook already sent is not re-sent by the sync', async () => {
    w = await makeSyncWorld(plexWatchedLibrary(3));
    const m = w.lib.movies[0]!;
    const key = itemKey({ type: 'movie', ids: m.ids })!;
    const [id] = await recordIntents(w.ctx.deps.db, [
      { target: 'trakt', accountId: w.accountId, action: 'scrobble.stop', mediaType: 'movie', itemKey: key, source: 'webhook', sourceId: 1, request: { movie: { ids: m.ids }, progress: 95 } },
    ]);
    await settle(w.ctx.deps.db, [{ id: id!, status: 'sent', outcome: 'scrobble' }]);
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 2 });
    expect(w.trakt.plays('alice').filter((p) => p.trakt === m.traktId)).toHaveLength(0);
    expect(JSON.parse(run.plan!).counts.skippedRecorded).toBe(1);
  });

  it('not_found is recorded, shown as unmatched, and not sent again until the ids change', async () => {
    const lib = plexWatchedLibrary(3);
    lib.movies[1]!.traktId = null; // Trakt does not know it
    w = await makeSyncWorld(lib);
    const first = await w.run();
    expect(first).toMatchObject({ status: 'partial', added_to_trakt: 2, not_found: 1, unmatched: 1 });
    expect(first.error).toContain('Trakt did not know 1 item(s)');
    const nf = await w.ctx.deps.db.selectFrom('trakt_not_found').selectAll().execute();
    expect(nf.map((r) => r.title)).toEqual(['Movie 2']);
    const writes = w.trakt.countOf('POST /sync/history');
    const second = await w.run();
    expect(second).toMatchObject({ status: 'succeeded', planned_writes: 0 });
    expect(w.trakt.countOf('POST /sync/history')).toBe(writes);
  });
});

describe('dry run and the lock', () => {
  it('a dry run plans everything and writes nothing', async () => {
    const lib = plexWatchedLibrary(4);
    lib.movies[3]!.plex = { viewCount: 0, lastViewedAt: null };
    lib.movies[3]!.trakt = { plays: [iso(T)] };
    w = await makeSyncWorld(lib);
    const run = await w.run({ dryRun: true });
    expect(run).toMatchObject({ status: 'succeeded', dry_run: 1, planned_writes: 4, trakt_writes: 0, added_to_trakt: 0, marked_in_plex: 0 });
    expect(JSON.parse(run.plan!).counts).toMatchObject({ toTrakt: 3, toPlex: 1 });
    expect(w.trakt.plays('alice')).toHaveLength(1);
    expect(w.plex.stateOf(lib.movies[3]!.key)[0]!.viewCount).toBe(0);
    expect(await w.ctx.deps.db.selectFrom('ledger').select('id').execute()).toHaveLength(0);
    expect(w.plex.server.requests.filter((r) => r.path.startsWith('/:/'))).toHaveLength(0);
  });

  it('one run at a time: a second start is refused while one runs, then allowed', async () => {
    w = await makeSyncWorld(plexWatchedLibrary(3));
    w.plex.server.latencyMs = 100;
    const first = await startSyncRun(w.ctx.deps, w.ports, { trigger: 'manual' });
    await expect(startSyncRun(w.ctx.deps, w.ports, { trigger: 'schedule' })).rejects.toBeInstanceOf(SyncBusyError);
    await first.done;
    w.plex.server.latencyMs = 0;
    const again = await startSyncRun(w.ctx.deps, w.ports, { trigger: 'manual' });
    expect((await again.done).status).toBe('succeeded');
  });

  it('says what to connect when Plex is not connected', async () => {
    w = await makeSyncWorld(plexWatchedLibrary(1));
    const started = await startSyncRun(w.ctx.deps, { ...w.ports, plex: async () => null }, { trigger: 'manual' });
    const run = await started.done;
    expect(run.status).toBe('failed');
    expect(run.error).toBe('Plex is not connected. Sign in with Plex in Settings, then run the sync again.');
  });
});
