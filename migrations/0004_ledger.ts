import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ledger')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('plex_key', 'text')
    .addColumn('title', 'text')
    .addColumn('watched_at', 'integer')
    .addColumn('rating', 'integer')
    .addColumn('progress', 'real')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'integer')
    .addColumn('batch_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('request', 'text')
    .addColumn('error', 'text')
    .addColumn('trakt_history_id', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_item').on('ledger').columns(['target', 'account_id', 'item_key', 'action']).execute();
  await db.schema.createIndex('ledger_source').on('ledger').columns(['source', 'source_id']).execute();
  await db.schema.createIndex('ledger_batch').on('ledger').column('batch_id').execute();
  await sql`CREATE INDEX ledger_intent ON ledger (status) WHERE status = 'intent'`.execute(db);

  await db.schema
    .createTable('trakt_not_found')
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('ids_hash', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('trakt_not_found_pk', ['account_id', 'item_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trakt_not_found').execute();
  await db.schema.dropTable('ledger').execute();
}
