import type { Kysely } from 'kysely';

/**
 * The library names the sync read from Plex, per server and section, so a run's ledger can
 * tell two copies of one title apart ("Movies" and "Movies 4K") without asking Plex again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plex_section_titles')
    .addColumn('server_id', 'text', (c) => c.notNull())
    .addColumn('section_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('plex_section_titles_pk', ['server_id', 'section_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plex_section_titles').execute();
}
