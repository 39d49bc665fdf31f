/**
 * What a sync run settles before it plans: only what earlier runs left. A webhook play in
 * flight (its intent recorded, its POST not yet landed) is left to the event worker and not
 * sent again; a Plex mark a killed run left in `intent` is made again (it is idempotent).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRun } from '../../src/db/repos/sync-runs.js';
import { itemKey } from '../../src/ledger/item-key.js';
import { recordIntents, settle } from '../../src/ledger/repo.js';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T = 1_750_000_000;
let w: SyncWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('settling before a run', () => {
  it('leaves a webhook play in flight to the worker: no duplicate play on Trakt', async () => {
    const lib = buildLibrary({ movies: 2, shows: 1, episodesPerShow: 1 });
    lib.movies.forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: T + i }));
    w = await makeSyncWorld(lib);
    const m = lib.movies[0]!;
    const db = w.ctx.deps.db;
    // The worker has recorded its intent and is about to POST (the play is not on Trakt yet).
    const [id] = await recordIntents(db, [
      { target: 'trakt', accountId: w.accountId, action: 'history.add', mediaType: 'movie', itemKey: itemKey({ type: 'movie', ids: m.ids })!, watchedAt: T * 1000, source: 'webhook', sourceId: 1, request: { ids: m.ids } },
    ]);
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', added_to_trakt: 1 });
    expect((await db.selectFrom('ledger').select('status').where('id', '=', id!).executeTakeFirstOrThrow()).status).toBe('intent');
    // Now the worker's POST lands and it settles its row.
    w.trakt.addPlay('alice', { type: 'movie', trakt: m.traktId! }, iso(T));
    expect((await settle(db, [{ id: id!, status: 'sent', outcome: 'added' }])).updated).toBe(1);
    expect(w.trakt.plays('alice').filter((p) => p.trakt === m.traktId)).toHaveLength(1);
  });

  it('marks in Plex an item whose mark a killed run left unanswered', async () => {
    const lib = buildLibrary({ movies: 2, shows: 1, episodesPerShow: 1 });
    const m = lib.movies[1]!;
    m.trakt = { plays: [iso(T)] }; // watched on Trakt, not in Plex
    w = await makeSyncWorld(lib);
    const db = w.ctx.deps.db;
    const dead = await createRun(db, 'cli', false, false); // its process was killed mid-write
    const ratingKey = w.plex.byLibKey.get(m.key)![0]!;
    const [id] = await recordIntents(db, [
      { target: 'plex', accountId: 1, action: 'plex.watched', mediaType: 'movie', itemKey: itemKey({ type: 'movie', ids: m.ids })!, plexKey: `${lib.machineIdentifier}:${ratingKey}`, source: 'sync', sourceId: dead, request: { ratingKey } },
    ]);
    const run = await w.run();
    expect(run).toMatchObject({ status: 'succeeded', marked_in_plex: 1 });
    expect(w.plex.stateOf(m.key)[0]!.viewCount).toBe(1);
    // Plex was read: the mark is not there, so it is planned again.
    expect(await db.selectFrom('ledger').select(['status', 'outcome']).where('id', '=', id!).executeTakeFirstOrThrow()).toEqual({ status: 'failed', outcome: 'absent after restart' });
    const again = await w.run();
    expect(again).toMatchObject({ status: 'succeeded', planned_writes: 0 });
  });
});
