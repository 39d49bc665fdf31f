import type { Kysely } from 'kysely';

/**
 * Notifications: the targets (URLs sealed like other credentials; `events` and the masked
 * form in clear, since they hold no secret), the outbox that delivery works through (it
 * survives a restart), and one row per delivery attempt for Settings.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notify_targets')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('sealed_url', 'text', (c) => c.notNull())
    .addColumn('masked_url', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('events', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('notify_outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('target_id', 'integer', (c) => c.notNull().references('notify_targets.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('folded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_at', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'integer')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('notify_outbox_due').on('notify_outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notify_outbox_fold').on('notify_outbox').columns(['target_id', 'event', 'id']).execute();
  await db.schema
    .createTable('notify_deliveries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('outbox_id', 'integer')
    .addColumn('target_id', 'integer')
    .addColumn('masked_url', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('at', 'integer', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notify_deliveries_at').on('notify_deliveries').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notify_deliveries').execute();
  await db.schema.dropTable('notify_outbox').execute();
  await db.schema.dropTable('notify_targets').execute();
}
