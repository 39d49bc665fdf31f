/**
 * How long a Trakt not_found is believed (src/ledger/not-found.ts): a day; not at all by a
 * full walk; not after Trakt accepted a write for the item; and Retry forgets it outright.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type OpenedDb } from '../../src/db/connection.js';
import type { Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { forgetNotFoundOfEvents, notFoundCutoff, notFoundHolds, NOT_FOUND_TTL_MS } from '../../src/ledger/not-found.js';
import { recordIntents, rememberNotFound, settle } from '../../src/ledger/repo.js';
import { tempDir } from '../helpers/context.js';

let o: OpenedDb;
afterEach(async () => o?.close());

const NOW = 1_800_000_000_000;
async function fresh() {
  o = openDatabase(tempDir());
  await migrateToLatest(o.db);
  return o.db;
}
async function holds(db: Db, now: number, full = false): Promise<string[]> {
  const r = await sql<{ item_key: string }>`SELECT item_key FROM trakt_not_found n WHERE ${sql.raw(notFoundHolds('n', notFoundCutoff(now, full)))} ORDER BY item_key`.execute(db);
  return r.rows.map((x) => x.item_key);
}
async function webhookWrite(db: Db, eventId: number, key: string, at: number, status: 'sent' | 'failed', outcome: string) {
  const [id] = await recordIntents(db, [{ target: 'trakt', accountId: 1, action: 'scrobble.start', mediaType: 'movie', itemKey: key, source: 'webhook', sourceId: eventId }], null, at);
  await settle(db, [{ id: id!, status, outcome }], at);
}

describe('a remembered not_found expires', () => {
  it('holds for a day, never for a full walk, and ends once Trakt accepts a write for the item', async () => {
    const db = await fresh();
    await rememberNotFound(db, 1, 'movie:tmdb:1', 'h1', 'One', NOW);
    await rememberNotFound(db, 1, 'movie:tmdb:2', 'h2', 'Two', NOW);
    expect(await holds(db, NOW + 1000)).toEqual(['movie:tmdb:1', 'movie:tmdb:2']);
    expect(await holds(db, NOW + NOT_FOUND_TTL_MS - 1)).toEqual(['movie:tmdb:1', 'movie:tmdb:2']);
    expect(await holds(db, NOW + NOT_FOUND_TTL_MS + 1)).toEqual([]);
    expect(await holds(db, NOW + 1000, true)).toEqual([]);
    // Trakt accepted a later write for One (say the next event of the viewing): only Two holds.
    await webhookWrite(db, 9, 'movie:tmdb:1', NOW + 5000, 'sent', 'pause');
    expect(await holds(db, NOW + 6000)).toEqual(['movie:tmdb:2']);
  });

  it('Retry forgets what Trakt did not know about that event’s items, and nothing else', async () => {
    const db = await fresh();
    await rememberNotFound(db, 1, 'movie:tmdb:1', 'h1', 'One', NOW);
    await rememberNotFound(db, 1, 'movie:tmdb:2', 'h2', 'Two', NOW);
    await webhookWrite(db, 5, 'movie:tmdb:1', NOW, 'failed', 'not_found');
    await webhookWrite(db, 6, 'movie:tmdb:2', NOW, 'failed', 'not_found');
    expect(await forgetNotFoundOfEvents(db, [])).toBe(0);
    expect(await forgetNotFoundOfEvents(db, [5])).toBe(1);
    expect(await holds(db, NOW + 1000)).toEqual(['movie:tmdb:2']);
  });
});
