/**
 * Reconciliation sync: the run log (`sync_runs`), the two mirrors it diffs
 * (`plex_items`, `trakt_watched`, `trakt_ratings`) and the items it could not match
 * (a column of `plex_items`, plus `unmatched_reason`), and the watch baseline behind
 * "Mirror un-watching". Times are epoch ms UTC.
 */
import type { Generated, Selectable } from 'kysely';

/** `live`: the catch-up after the live listener reconnected. */
export type SyncTrigger = 'manual' | 'schedule' | 'cli' | 'api' | 'live';
/** `awaiting_approval`: held by the guard before writing; `discarded`: a held run the user (or a later run) set aside. */
export type SyncRunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'awaiting_approval' | 'discarded';
export type SyncPhase = 'starting' | 'settling' | 'plex' | 'trakt' | 'planning' | 'writing' | 'done';

export interface SyncRunsTable {
  id: Generated<number>;
  trigger: SyncTrigger;
  dry_run: number;
  full_walk: number;
  status: SyncRunStatus;
  phase: SyncPhase;
  started_at: number;
  finished_at: number | null;
  /** Renewed while the run lives; a `running` row with an old heartbeat was killed. */
  heartbeat_at: number;
  scanned: Generated<number>;
  scan_total: Generated<number>;
  planned_writes: Generated<number>;
  writes_done: Generated<number>;
  added_to_trakt: Generated<number>;
  marked_in_plex: Generated<number>;
  /** "Mirror un-watching": plays removed from Trakt history, items marked unwatched in Plex. */
  removed_from_trakt: Generated<number>;
  unwatched_in_plex: Generated<number>;
  ratings_to_trakt: Generated<number>;
  ratings_to_plex: Generated<number>;
  unmatched: Generated<number>;
  not_found: Generated<number>;
  errors: Generated<number>;
  plex_requests: Generated<number>;
  trakt_gets: Generated<number>;
  trakt_writes: Generated<number>;
  /** The plan as JSON text (counts and the first items of each kind). */
  plan: string | null;
  /** What went wrong, as a sentence for the user. */
  error: string | null;
  /** Items watched on each side when the run planned (the guard compares with the last run that wrote). */
  plex_watched: number | null;
  trakt_watched: number | null;
  /** JSON: why the guard held this run (sentences), and whether it was approved. */
  guard: string | null;
  /** An undo run: the run (or webhook event) it undoes. */
  undo_of: number | null;
  undo_event: number | null;
  /** JSON: each person the run covered (src/sync/run-people.ts): outcome, reason, counts. Null before households. */
  people: string | null;
}

/** The whole plan of a run, one row per item (`list`: toTrakt, fromTrakt, …): read back in chunks by the writers, paged on a held run's page, written on approval. */
export interface SyncPlanItemsTable {
  run_id: number;
  /** Whose plan (the Plex account id; 1 = the server owner). */
  person: Generated<number>;
  list: string;
  seq: number;
  item_key: string | null;
  /** Plays: the watched time (epoch ms) they are written in; 0 otherwise. */
  sort_at: Generated<number>;
  /** The plan item as JSON. */
  item: string;
}

export type PlexItemType = 'movie' | 'show' | 'episode';

export interface PlexItemsTable {
  /** The server's machineIdentifier. */
  server_id: string;
  rating_key: string;
  section_id: string;
  type: PlexItemType;
  title: string;
  year: number | null;
  /** Episodes: the show's ratingKey (grandparentRatingKey) and title. */
  show_rating_key: string | null;
  show_title: string | null;
  season: number | null;
  number: number | null;
  /** Trakt's numbering of this episode when it differs (from the Trakt history mirror); else season/number. */
  trakt_season: number | null;
  trakt_number: number | null;
  guid: string | null;
  /** JSON array of Guid[] ids, as Plex sent them. */
  guids: string | null;
  imdb: string | null;
  tmdb: number | null;
  tvdb: number | null;
  show_imdb: string | null;
  show_tmdb: number | null;
  show_tvdb: number | null;
  /** Canonical identity (src/ledger/item-key.ts); null when unmatched. */
  item_key: string | null;
  ids_hash: string | null;
  unmatched_reason: string | null;
  view_count: number;
  last_viewed_at: number | null;
  user_rating: number | null;
  plex_updated_at: number | null;
  mirrored_at: number;
  /** The run that last saw it in a full walk: items a full walk did not see are gone from Plex. */
  seen_run_id: number | null;
}

export type TraktKind = 'movie' | 'episode' | 'show';

export interface TraktWatchedTable {
  account_id: number;
  kind: 'movie' | 'episode';
  trakt: number | null;
  imdb: string | null;
  tmdb: number | null;
  tvdb: number | null;
  /** Episodes: the show's ids and Trakt's numbering. */
  show_trakt: number | null;
  show_imdb: string | null;
  show_tmdb: number | null;
  show_tvdb: number | null;
  season: number | null;
  number: number | null;
  plays: number;
  last_watched_at: number | null;
  title: string | null;
}

export interface TraktRatingsTable {
  account_id: number;
  kind: TraktKind;
  trakt: number | null;
  imdb: string | null;
  tmdb: number | null;
  tvdb: number | null;
  show_trakt: number | null;
  show_imdb: string | null;
  show_tmdb: number | null;
  show_tvdb: number | null;
  season: number | null;
  number: number | null;
  rating: number;
  rated_at: number | null;
}

/**
 * "Mirror un-watching": what the last real run (with the option on) saw watched on each
 * side, per item. A run acts only where this says "watched" and the side now says not.
 */
export interface SyncWatchBaselineTable {
  server_id: string;
  account_id: number;
  item_key: string;
  plex_watched: number;
  trakt_watched: number;
}

export interface SyncTables {
  sync_runs: SyncRunsTable;
  plex_items: PlexItemsTable;
  trakt_watched: TraktWatchedTable;
  trakt_ratings: TraktRatingsTable;
  sync_watch_baseline: SyncWatchBaselineTable;
  sync_plan_items: SyncPlanItemsTable;
  plex_section_titles: PlexSectionTitlesTable;
}

/** The library names the sync last read from Plex (the ledger shows them beside a title). */
export interface PlexSectionTitlesTable {
  server_id: string;
  section_id: string;
  title: string;
  updated_at: number;
}

export type SyncRunRow = Selectable<SyncRunsTable>;
export type PlexItemRow = Selectable<PlexItemsTable>;
