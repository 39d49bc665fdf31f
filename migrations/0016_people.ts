import { sql, type Kysely } from 'kysely';

/**
 * People (households): every Plex account known (the owner, Plex Home users, friends the
 * server is shared with, anyone seen in a webhook), each with its own Trakt account and
 * switches. Replaces `webhook_accounts`: a mapped account keeps its Trakt account, an
 * ignored one has webhooks off.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('people')
    // The id webhooks carry as Account.id (1 = the server owner); plex.tv ids for everyone else.
    .addColumn('plex_account_id', 'integer', (c) => c.primaryKey())
    .addColumn('plex_tv_id', 'integer')
    .addColumn('uuid', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pin', 'text')
    .addColumn('plex_token', 'text')
    .addColumn('plex_access', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('plex_access_note', 'text')
    .addColumn('trakt_account_id', 'integer')
    .addColumn('webhooks', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sync', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('listed_at', 'integer')
    .addColumn('last_seen_at', 'integer')
    .addColumn('first_seen_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`
    INSERT INTO people (plex_account_id, name, kind, trakt_account_id, webhooks, last_seen_at, first_seen_at, updated_at)
    SELECT plex_account_id,
           COALESCE(plex_account_title, '#' || plex_account_id),
           CASE WHEN plex_account_id = 1 THEN 'owner' ELSE 'friend' END,
           CASE WHEN mode = 'mapped' THEN trakt_account_id ELSE NULL END,
           CASE WHEN mode = 'ignored' THEN 0 ELSE 1 END,
           last_seen_at, first_seen_at, last_seen_at
    FROM webhook_accounts`.execute(db);
  await db.schema.dropTable('webhook_accounts').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('people').execute();
}
