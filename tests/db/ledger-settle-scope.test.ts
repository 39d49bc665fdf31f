/**
 * Settling is compare-and-set and scoped: a row its writer already settled keeps that answer,
 * a sync settles only the Trakt intents of runs no longer running, and the event worker at
 * start settles only webhook intents (a sync in another process may have its own in flight).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createRun, updateRun } from '../../src/db/repos/sync-runs.js';
import type { Db } from '../../src/db/database.js';
import { recordIntents, settle, type LedgerIntent } from '../../src/ledger/repo.js';
import { settleIntents, settlePlexIntents } from '../../src/ledger/settle-intents.js';
import type { ScrobblePorts } from '../../src/scrobble/ports.js';
import { EventWorker } from '../../src/scrobble/worker.js';
import pino from 'pino';
import { tempDir } from '../helpers/context.js';
import { probeEach } from '../helpers/probe-each.js';

let o: OpenedDb | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

async function fresh(): Promise<Db> {
  o = openDatabase(tempDir());
  await migrateToLatest(o.db);
  return o.db;
}

const play = (key: string, extra: Partial<LedgerIntent> = {}): LedgerIntent => ({
  target: 'trakt', accountId: 1, action: 'history.add', mediaType: 'movie', itemKey: key, watchedAt: 1_700_000_000_000, source: 'sync', sourceId: 7, ...extra,
});

const statusOf = async (db: Db, id: number) => db.selectFrom('ledger').select(['status', 'outcome']).where('id', '=', id).executeTakeFirstOrThrow();

describe('settle is compare-and-set', () => {
  it('does not overwrite a row already settled, and says how many it skipped', async () => {
    const db = await fresh();
    const [a, b] = await recordIntents(db, [play('movie:imdb:tt1'), play('movie:imdb:tt2')]);
    expect(await settle(db, [{ id: a!, status: 'sent', outcome: 'added' }])).toMatchObject({ updated: 1, skipped: 0 });
    const r = await settle(db, [
      { id: a!, status: 'failed', outcome: 'absent after restart' },
      { id: b!, status: 'failed', outcome: 'not_found' },
    ]);
    expect(r).toEqual({ updated: 1, skipped: 1, skippedIds: [a] });
    expect(await statusOf(db, a!)).toEqual({ status: 'sent', outcome: 'added' });
    expect((await settle(db, [{ id: b!, status: 'sent', outcome: 'added' }])).skipped).toBe(1); // a real failure stays
  });

  it('a crash settle racing the worker: the worker\'s sent answer stands', async () => {
    const db = await fresh();
    const [id] = await recordIntents(db, [play('movie:imdb:tt1', { source: 'webhook', sourceId: 3 })]);
    // While the settle probes (the POST has not landed yet), the worker gets Trakt's answer.
    const result = await settleIntents(db, probeEach(async () => {
      await settle(db, [{ id: id!, status: 'sent', outcome: 'added' }]);
      return { found: false };
    }));
    expect(result).toEqual({ found: 0, absent: 0, other: 0, skipped: 1 });
    expect(await statusOf(db, id!)).toEqual({ status: 'sent', outcome: 'added' });
  });

  it("Trakt's own sent answer corrects a probe's absent guess", async () => {
    const db = await fresh();
    const [id] = await recordIntents(db, [play('movie:imdb:tt1')]);
    await settle(db, [{ id: id!, status: 'failed', outcome: 'absent after restart' }]);
    expect((await settle(db, [{ id: id!, status: 'sent', outcome: 'added' }])).updated).toBe(1);
    expect(await statusOf(db, id!)).toEqual({ status: 'sent', outcome: 'added' });
  });
});

describe('settle scopes', () => {
  it('a sync settles sync intents of runs no longer running, never webhook ones or its own', async () => {
    const db = await fresh();
    const dead = await createRun(db, 'cli', false, false);
    await updateRun(db, dead, { status: 'interrupted' });
    const current = await createRun(db, 'manual', false, false);
    const [deadRow, webhookRow, ownRow, plexDead, plexOwn] = await recordIntents(db, [
      play('movie:imdb:tt1', { sourceId: dead }),
      play('movie:imdb:tt2', { source: 'webhook', sourceId: 1 }),
      play('movie:imdb:tt3', { sourceId: current }),
      play('movie:imdb:tt4', { target: 'plex', action: 'plex.watched', sourceId: dead }),
      play('movie:imdb:tt5', { target: 'plex', action: 'plex.watched', sourceId: current }),
    ]);
    const probed: string[] = [];
    const result = await settleIntents(db, probeEach(async (row) => (probed.push(row.item_key), { found: false })), { accountId: 1, source: 'sync', exceptRunId: current });
    expect(result).toEqual({ found: 0, absent: 1, other: 0, skipped: 0 });
    expect(probed).toEqual(['movie:imdb:tt1']);
    expect((await statusOf(db, deadRow!)).status).toBe('failed');
    expect((await statusOf(db, webhookRow!)).status).toBe('intent'); // the worker's, maybe in flight
    expect((await statusOf(db, ownRow!)).status).toBe('intent');
    expect(await settlePlexIntents(db, undefined, current)).toEqual({ found: 0, interrupted: 1, skipped: 0 });
    expect(await statusOf(db, plexDead!)).toEqual({ status: 'failed', outcome: 'interrupted' });
    expect((await statusOf(db, plexOwn!)).status).toBe('intent');
  });

  it('the event worker at start settles webhook intents only, not a running sync\'s', async () => {
    const db = await fresh();
    const run = await createRun(db, 'cli', false, false); // a CLI sync in another process
    const [syncRow, webhookRow] = await recordIntents(db, [play('movie:imdb:tt1', { sourceId: run }), play('movie:imdb:tt2', { source: 'webhook', sourceId: 1 })]);
    const probed: string[] = [];
    const ports: ScrobblePorts = {
      connectedServer: async () => null,
      librarySelected: async () => true,
      defaultTraktAccount: async () => 1,
      traktAccounts: async () => [{ id: 1, username: 'alice' }],
      traktWriter: async () => ({ post: async () => ({ status: 500, body: null }), probe: probeEach(async (row) => (probed.push(row.item_key), { found: true, historyId: 9 })) }),
      plex: async () => null,
    };
    const worker = new EventWorker({ db, log: pino({ level: 'silent' }), ports }, { safetyPollMs: 60_000 });
    await worker.start();
    await worker.stop();
    expect(probed).toEqual(['movie:imdb:tt2']);
    expect((await statusOf(db, syncRow!)).status).toBe('intent');
    expect(await statusOf(db, webhookRow!)).toEqual({ status: 'sent', outcome: 'found after restart' });
  });
});
