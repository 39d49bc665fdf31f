import type { Kysely } from 'kysely';

/**
 * A quiet sync compares Plex's totals per library and item type (all, watched, rated) with the
 * mirror's on every run: with the watch state and the rating in the section index, SQLite counts
 * them from the index alone instead of reading 80,000 rows (src/sync/plex-changes.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('plex_items_section').execute();
  await db.schema.createIndex('plex_items_section').on('plex_items').columns(['server_id', 'section_id', 'type', 'view_count', 'user_rating']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('plex_items_section').execute();
  await db.schema.createIndex('plex_items_section').on('plex_items').columns(['server_id', 'section_id', 'type']).execute();
}
