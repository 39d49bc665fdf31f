import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('full_walk', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer')
    .addColumn('heartbeat_at', 'integer', (c) => c.notNull())
    .addColumn('scanned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scan_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('planned_writes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('writes_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('added_to_trakt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('marked_in_plex', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ratings_to_trakt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ratings_to_plex', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unmatched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_found', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plex_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trakt_gets', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trakt_writes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plan', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('sync_runs_started').on('sync_runs').column('started_at').execute();

  await db.schema
    .createTable('plex_items')
    .addColumn('server_id', 'text', (c) => c.notNull())
    .addColumn('rating_key', 'text', (c) => c.notNull())
    .addColumn('section_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('show_rating_key', 'text')
    .addColumn('show_title', 'text')
    .addColumn('season', 'integer')
    .addColumn('number', 'integer')
    .addColumn('trakt_season', 'integer')
    .addColumn('trakt_number', 'integer')
    .addColumn('guid', 'text')
    .addColumn('guids', 'text')
    .addColumn('imdb', 'text')
    .addColumn('tmdb', 'integer')
    .addColumn('tvdb', 'integer')
    .addColumn('show_imdb', 'text')
    .addColumn('show_tmdb', 'integer')
    .addColumn('show_tvdb', 'integer')
    .addColumn('item_key', 'text')
    .addColumn('ids_hash', 'text')
    .addColumn('unmatched_reason', 'text')
    .addColumn('view_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_viewed_at', 'integer')
    .addColumn('user_rating', 'real')
    .addColumn('plex_updated_at', 'integer')
    .addColumn('mirrored_at', 'integer', (c) => c.notNull())
    .addColumn('seen_run_id', 'integer')
    .addPrimaryKeyConstraint('plex_items_pk', ['server_id', 'rating_key'])
    .execute();
  await db.schema.createIndex('plex_items_key').on('plex_items').columns(['item_key', 'type']).execute();
  await db.schema.createIndex('plex_items_section').on('plex_items').columns(['server_id', 'section_id', 'type']).execute();
  await db.schema.createIndex('plex_items_show').on('plex_items').column('show_rating_key').execute();
  await sql`CREATE INDEX plex_items_unmatched ON plex_items (type) WHERE unmatched_reason IS NOT NULL`.execute(db);

  for (const table of ['trakt_watched', 'trakt_ratings']) {
    let t = db.schema
      .createTable(table)
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('trakt', 'integer')
      .addColumn('imdb', 'text')
      .addColumn('tmdb', 'integer')
      .addColumn('tvdb', 'integer')
      .addColumn('show_trakt', 'integer')
      .addColumn('show_imdb', 'text')
      .addColumn('show_tmdb', 'integer')
      .addColumn('show_tvdb', 'integer')
      .addColumn('season', 'integer')
      .addColumn('number', 'integer');
    t =
      table === 'trakt_watched'
        ? t
            .addColumn('plays', 'integer', (c) => c.notNull())
            .addColumn('last_watched_at', 'integer')
            .addColumn('title', 'text')
        : t.addColumn('rating', 'integer', (c) => c.notNull()).addColumn('rated_at', 'integer');
    await t.execute();
    // Lookups by any one id (the plan joins on whichever id both sides have).
    for (const col of ['imdb', 'tmdb', 'tvdb']) {
      await db.schema.createIndex(`${table}_${col}`).on(table).columns(['account_id', 'kind', col]).execute();
      await db.schema.createIndex(`${table}_show_${col}`).on(table).columns(['account_id', 'kind', `show_${col}`, 'season', 'number']).execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['trakt_ratings', 'trakt_watched', 'plex_items', 'sync_runs']) await db.schema.dropTable(t).execute();
}
