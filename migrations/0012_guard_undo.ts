import type { Kysely } from 'kysely';

/**
 * Runs that can be held or undone: the guard's reasons and each run's watched counts (the
 * "count fell by more than 10 %" check compares against the last run that wrote), the whole
 * plan of a held run (shown paged, and written as it was when approved), which run or event
 * an undo run undoes, and per ledger row the rating it replaced and the row it undoes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('plex_watched', 'integer').execute();
  await db.schema.alterTable('sync_runs').addColumn('trakt_watched', 'integer').execute();
  await db.schema.alterTable('sync_runs').addColumn('guard', 'text').execute();
  await db.schema.alterTable('sync_runs').addColumn('undo_of', 'integer').execute();
  await db.schema.alterTable('sync_runs').addColumn('undo_event', 'integer').execute();
  await db.schema
    .createTable('sync_plan_items')
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_plan_items_pk', ['run_id', 'list', 'seq'])
    .execute();
  await db.schema.alterTable('ledger').addColumn('previous_rating', 'integer').execute();
  await db.schema.alterTable('ledger').addColumn('undoes', 'integer').execute();
  await db.schema.createIndex('ledger_undoes').on('ledger').column('undoes').where('undoes', 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('ledger_undoes').execute();
  await db.schema.alterTable('ledger').dropColumn('undoes').execute();
  await db.schema.alterTable('ledger').dropColumn('previous_rating').execute();
  await db.schema.dropTable('sync_plan_items').execute();
  for (const c of ['undo_event', 'undo_of', 'guard', 'trakt_watched', 'plex_watched']) await db.schema.alterTable('sync_runs').dropColumn(c).execute();
}
