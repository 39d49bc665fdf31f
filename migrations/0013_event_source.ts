import { sql, type Kysely } from 'kysely';

/**
 * Events come from two sources now: Plex webhooks and the live listener (the server's own
 * notifications). One table, one worker; `source` says which one saw it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('webhook_events')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('webhook'))
    .execute();
  await sql`CREATE INDEX webhook_events_source ON webhook_events (source, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS webhook_events_source`.execute(db);
  await db.schema.alterTable('webhook_events').dropColumn('source').execute();
}
