import { sql, type Kysely } from 'kysely';

/**
 * Every run's plan lives in `sync_plan_items` while the run writes it (not only a held run's):
 * the writers read it back a chunk at a time, so a first sync of tens of thousands of writes
 * never holds its plan as JS arrays (issue 18). Rows are keyed per person (the Plex account id,
 * 1 = the server owner) so a household's run can plan person by person; `item_key` lets an
 * approval drop plays the ledger got meanwhile in SQL; `sort_at` reads plays back in watched order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sync_plan_rows')
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('person', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('item_key', 'text')
    .addColumn('sort_at', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('item', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_plan_rows_pk', ['run_id', 'person', 'list', 'seq'])
    .execute();
  // Held plans carry over, their keys and watched times read from the item JSON. A person other
  // than the owner had seq from person × 1,000,000 (0018's interim scheme, if it ran first).
  await sql`INSERT INTO sync_plan_rows (run_id, person, list, seq, item_key, sort_at, item)
    SELECT run_id, CASE WHEN seq >= 1000000 THEN seq / 1000000 ELSE 1 END, list, seq % 1000000,
      json_extract(item, '$.itemKey'), COALESCE(json_extract(item, '$.watchedAt'), 0), item FROM sync_plan_items`.execute(db);
  await db.schema.dropTable('sync_plan_items').execute();
  await db.schema.alterTable('sync_plan_rows').renameTo('sync_plan_items').execute();
  await db.schema.createIndex('sync_plan_items_order').on('sync_plan_items').columns(['run_id', 'person', 'list', 'sort_at', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sync_plan_items_order').execute();
  await db.schema
    .createTable('sync_plan_old')
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_plan_items_pk', ['run_id', 'list', 'seq'])
    .execute();
  await sql`INSERT INTO sync_plan_old (run_id, list, seq, item)
    SELECT run_id, list, CASE WHEN person = 1 THEN seq ELSE person * 1000000 + seq END, item FROM sync_plan_items`.execute(db);
  await db.schema.dropTable('sync_plan_items').execute();
  await db.schema.alterTable('sync_plan_old').renameTo('sync_plan_items').execute();
}
