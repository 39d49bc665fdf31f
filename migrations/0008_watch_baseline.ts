import type { Kysely } from 'kysely';

/**
 * "Mirror un-watching": what the last real run with the option on saw watched on each side
 * (per Plex server, Trakt account and item), so the next run acts only on observed
 * transitions; and the two removal counts of a run.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sync_watch_baseline')
    .addColumn('server_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('plex_watched', 'integer', (c) => c.notNull())
    .addColumn('trakt_watched', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_watch_baseline_pk', ['server_id', 'account_id', 'item_key'])
    .execute();
  await db.schema.alterTable('sync_runs').addColumn('removed_from_trakt', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sync_runs').addColumn('unwatched_in_plex', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('unwatched_in_plex').execute();
  await db.schema.alterTable('sync_runs').dropColumn('removed_from_trakt').execute();
  await db.schema.dropTable('sync_watch_baseline').execute();
}
