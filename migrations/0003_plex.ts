import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plex_accounts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('plex_user_id', 'integer', (c) => c.notNull().unique())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('token', 'text')
    .addColumn('is_owner', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('plex_servers')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('machine_identifier', 'text', (c) => c.notNull().unique())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('access_token', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) => c.references('plex_accounts.id').onDelete('set null'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('selected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  // At most one chosen server.
  await sql`CREATE UNIQUE INDEX plex_servers_one_selected ON plex_servers (selected) WHERE selected = 1`.execute(db);

  await db.schema
    .createTable('plex_library_sections')
    .addColumn('server_id', 'integer', (c) => c.notNull().references('plex_servers.id').onDelete('cascade'))
    .addColumn('section_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('selected', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('plex_library_sections_pk', ['server_id', 'section_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plex_library_sections').execute();
  await db.schema.dropTable('plex_servers').execute();
  await db.schema.dropTable('plex_accounts').execute();
}
