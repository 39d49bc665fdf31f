import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('received_at', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer')
    .addColumn('account_title', 'text')
    .addColumn('server_uuid', 'text')
    .addColumn('server_title', 'text')
    .addColumn('player_title', 'text')
    .addColumn('rating_key', 'text')
    .addColumn('media_type', 'text')
    .addColumn('title', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('trakt_answer', 'text')
    .addColumn('trakt_account_id', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_at', 'integer')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX webhook_events_pending ON webhook_events (id) WHERE status = 'pending'`.execute(db);
  await db.schema.createIndex('webhook_events_status').on('webhook_events').columns(['status', 'id']).execute();
  await db.schema.createIndex('webhook_events_received').on('webhook_events').column('received_at').execute();
  await db.schema
    .createIndex('webhook_events_item')
    .on('webhook_events')
    .columns(['server_uuid', 'rating_key', 'account_id', 'event', 'received_at'])
    .execute();

  await db.schema
    .createTable('webhook_accounts')
    .addColumn('plex_account_id', 'integer', (c) => c.primaryKey())
    .addColumn('plex_account_title', 'text')
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('default'))
    .addColumn('trakt_account_id', 'integer')
    .addColumn('first_seen_at', 'integer', (c) => c.notNull())
    .addColumn('last_seen_at', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_accounts').execute();
  await db.schema.dropTable('webhook_events').execute();
}
