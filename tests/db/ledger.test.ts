import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { idsHash, itemKey } from '../../src/ledger/item-key.js';
import {
  keysWithRecordedPlays,
  knownNotFound,
  lastPlaySince,
  newBatchId,
  playRecorded,
  recordIntents,
  rememberNotFound,
  settle,
  settleAll,
  unsettledIntents,
  type LedgerIntent,
} from '../../src/ledger/repo.js';
import { settleIntents } from '../../src/ledger/settle-intents.js';
import { tempDir } from '../helpers/context.js';
import { probeEach } from '../helpers/probe-each.js';

let o: OpenedDb;
afterEach(async () => o?.close());

async function fresh() {
  o = openDatabase(tempDir());
  await migrateToLatest(o.db);
  return o.db;
}

const play = (key: string, extra: Partial<LedgerIntent> = {}): LedgerIntent => ({
  target: 'trakt',
  accountId: 1,
  action: 'history.add',
  mediaType: 'movie',
  itemKey: key,
  watchedAt: 1_700_000_000_000,
  source: 'sync',
  sourceId: 7,
  ...extra,
});

describe('item keys', () => {
  it('identifies items by ids only, preferring stable ids', () => {
    expect(itemKey({ type: 'movie', ids: { imdb: 'tt0133093', tmdb: 603 } })).toBe('movie:imdb:tt0133093');
    expect(itemKey({ type: 'movie', ids: { tmdb: 603 } })).toBe('movie:tmdb:603');
    expect(itemKey({ type: 'movie', ids: {} })).toBeUndefined();
    expect(itemKey({ type: 'episode', ids: { tvdb: 349232, imdb: 'tt1' } })).toBe('episode:tvdb:349232');
    expect(itemKey({ type: 'episode', ids: {}, show: { tvdb: 81189 }, season: 0, number: 3 })).toBe('episode:show:tvdb:81189:s0e3');
    expect(itemKey({ type: 'episode', ids: {}, show: { tvdb: 81189 } })).toBeUndefined();
    expect(idsHash({ type: 'movie', ids: { tmdb: 1 } })).not.toBe(idsHash({ type: 'movie', ids: { tmdb: 2 } }));
  });
});

describe('ledger', () => {
  it('counts a sent history play and an unsettled intent as recorded, a failed one not', async () => {
    const db = await fresh();
    const [a, b, c] = await recordIntents(db, [play('movie:imdb:tt1'), play('movie:imdb:tt2'), play('movie:imdb:tt3')], newBatchId());
    await settle(db, [
      { id: a!, status: 'sent', outcome: 'added' },
      { id: c!, status: 'failed', outcome: 'not_found' },
    ]);
    expect(await playRecorded(db, 1, 'movie:imdb:tt1')).toBe(true); // sent
    expect(await playRecorded(db, 1, 'movie:imdb:tt2')).toBe(true); // intent: maybe sent
    expect(await playRecorded(db, 1, 'movie:imdb:tt3')).toBe(false); // failed
    expect(await playRecorded(db, 2, 'movie:imdb:tt1')).toBe(false); // other account
    expect(b).toBeGreaterThan(a!);
    const keys = await keysWithRecordedPlays(db, 1, ['movie:imdb:tt1', 'movie:imdb:tt2', 'movie:imdb:tt3', 'movie:imdb:tt9']);
    expect([...keys].sort()).toEqual(['movie:imdb:tt1', 'movie:imdb:tt2']);
  });

  it('counts a scrobble.stop only when Trakt answered scrobble', async () => {
    const db = await fresh();
    const [pause, scrobble] = await recordIntents(db, [
      play('movie:imdb:tt5', { action: 'scrobble.stop', source: 'webhook' }),
      play('movie:imdb:tt6', { action: 'scrobble.stop', source: 'webhook' }),
    ]);
    await settle(db, [
      { id: pause!, status: 'sent', outcome: 'pause' },
      { id: scrobble!, status: 'sent', outcome: 'scrobble', traktHistoryId: 99 },
    ]);
    expect(await playRecorded(db, 1, 'movie:imdb:tt5')).toBe(false);
    expect(await playRecorded(db, 1, 'movie:imdb:tt6')).toBe(true);
    expect((await lastPlaySince(db, 1, 'movie:imdb:tt6', 0))?.trakt_history_id).toBe(99);
    expect(await lastPlaySince(db, 1, 'movie:imdb:tt6', Date.now() + 1000)).toBeUndefined();
  });

  it('settles intents left by a crash against Trakt history before anything is re-sent', async () => {
    const db = await fresh();
    const ids = await recordIntents(db, [
      play('movie:imdb:tt1'),
      play('movie:imdb:tt2'),
      play('movie:imdb:tt3', { action: 'rating.add', rating: 8 }),
    ]);
    const onTrakt = new Set(['movie:imdb:tt1']);
    const result = await settleIntents(db, probeEach(async (row) => ({ found: onTrakt.has(row.item_key), historyId: 5 })));
    expect(result).toEqual({ found: 1, absent: 1, other: 1, skipped: 0 });
    expect(await unsettledIntents(db)).toEqual([]);
    expect(await playRecorded(db, 1, 'movie:imdb:tt1')).toBe(true);
    expect(await playRecorded(db, 1, 'movie:imdb:tt2')).toBe(false); // free to send again
    await settleAll(db, [ids[0]!], 'sent', 'added');
  });

  it('remembers not_found until the ids change', async () => {
    const db = await fresh();
    await rememberNotFound(db, 1, 'movie:tmdb:5', 'h1', 'Unknown Film');
    expect(await knownNotFound(db, 1, 'movie:tmdb:5', 'h1')).toBe(true);
    expect(await knownNotFound(db, 1, 'movie:tmdb:5', 'h2')).toBe(false);
    expect(await knownNotFound(db, 2, 'movie:tmdb:5', 'h1')).toBe(false);
  });
});
