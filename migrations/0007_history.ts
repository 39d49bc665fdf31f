import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trakt_history')
    .addColumn('account_id', 'integer', (c) => c.notNull())
    .addColumn('history_id', 'integer', (c) => c.notNull())
    .addColumn('watched_at', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('movie_trakt', 'integer')
    .addColumn('movie_imdb', 'text')
    .addColumn('movie_tmdb', 'integer')
    .addColumn('show_trakt', 'integer')
    .addColumn('show_imdb', 'text')
    .addColumn('show_tmdb', 'integer')
    .addColumn('show_tvdb', 'integer')
    .addColumn('season', 'integer')
    .addColumn('number', 'integer')
    .addColumn('episode_title', 'text')
    .addColumn('episode_trakt', 'integer')
    .addColumn('episode_imdb', 'text')
    .addColumn('episode_tmdb', 'integer')
    .addColumn('episode_tvdb', 'integer')
    .addPrimaryKeyConstraint('trakt_history_pk', ['account_id', 'history_id'])
    .execute();
  // The page: newest first, keyset on (watched_at, history_id); per type for the filter.
  await sql`CREATE INDEX trakt_history_time ON trakt_history (account_id, watched_at, history_id)`.execute(db);
  await sql`CREATE INDEX trakt_history_type_time ON trakt_history (account_id, type, watched_at, history_id)`.execute(db);
  // The sync's episode lookups: by the episode's own ids, or by show ids + Trakt season/number.
  for (const id of ['tvdb', 'tmdb', 'imdb']) {
    await sql.raw(`CREATE INDEX trakt_history_episode_${id} ON trakt_history (episode_${id}) WHERE episode_${id} IS NOT NULL`).execute(db);
  }
  for (const id of ['tvdb', 'tmdb', 'imdb', 'trakt']) {
    await sql.raw(`CREATE INDEX trakt_history_show_${id} ON trakt_history (show_${id}, season, number) WHERE show_${id} IS NOT NULL`).execute(db);
  }

  await db.schema
    .createTable('trakt_history_state')
    .addColumn('account_id', 'integer', (c) => c.primaryKey())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('fill_pages_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fill_page_count', 'integer')
    .addColumn('fill_items_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fill_item_count', 'integer')
    .addColumn('activities', 'text')
    .addColumn('remote_count', 'integer')
    .addColumn('last_full_at', 'integer')
    .addColumn('last_checked_at', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'integer')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tmdb_posters')
    .addColumn('media', 'text', (c) => c.notNull())
    .addColumn('tmdb_id', 'integer', (c) => c.notNull())
    .addColumn('poster_path', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tmdb_posters_pk', ['media', 'tmdb_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tmdb_posters').execute();
  await db.schema.dropTable('trakt_history_state').execute();
  await db.schema.dropTable('trakt_history').execute();
}
