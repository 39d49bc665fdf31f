/** Migration 0016: the old webhook-account map becomes people, with the same meaning. */
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { openDatabase, type OpenedDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { getWebhookAccount } from '../../src/db/repos/webhook-accounts.js';
import { tempDir } from '../helpers/context.js';

let opened: OpenedDb | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

describe('0016_people', () => {
  it('carries each webhook account over: mapped keeps its Trakt account, ignored has webhooks off, the owner is the owner', async () => {
    opened = openDatabase(tempDir());
    const names = Object.keys(migrations);
    const before = names[names.indexOf('0016_people') - 1]!;
    const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const insert = opened.sqlite.prepare('insert into webhook_accounts (plex_account_id, plex_account_title, mode, trakt_account_id, first_seen_at, last_seen_at) values (?, ?, ?, ?, ?, ?)');
    insert.run(1, 'owner-pat', 'default', null, 100, 200);
    insert.run(5555, 'bob-plex', 'mapped', 2, 110, 210);
    insert.run(7001, 'guest-kid', 'ignored', null, 120, 220);
    insert.run(8001, null, 'default', null, 130, 230);
    expect(await migrateToLatest(opened.db)).toContain('0016_people');

    const people = opened.sqlite.prepare('select plex_account_id, name, kind, trakt_account_id, webhooks, sync, plex_access from people order by plex_account_id').all();
    expect(people).toEqual([
      { plex_account_id: 1, name: 'owner-pat', kind: 'owner', trakt_account_id: null, webhooks: 1, sync: 1, plex_access: 'none' },
      { plex_account_id: 5555, name: 'bob-plex', kind: 'friend', trakt_account_id: 2, webhooks: 1, sync: 1, plex_access: 'none' },
      { plex_account_id: 7001, name: 'guest-kid', kind: 'friend', trakt_account_id: null, webhooks: 0, sync: 1, plex_access: 'none' },
      { plex_account_id: 8001, name: '#8001', kind: 'friend', trakt_account_id: null, webhooks: 1, sync: 1, plex_access: 'none' },
    ]);
    // The old view reads the same answers back.
    expect(await getWebhookAccount(opened.db, 5555)).toMatchObject({ mode: 'mapped', trakt_account_id: 2, last_seen_at: 210 });
    expect(await getWebhookAccount(opened.db, 7001)).toMatchObject({ mode: 'ignored' });
    expect(opened.sqlite.prepare("select name from sqlite_master where name = 'webhook_accounts'").get()).toBeUndefined();
  });
});
