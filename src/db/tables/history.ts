/**
 * The Trakt history mirror (`trakt_history`): one row per play on Trakt (`history_id` is
 * Trakt's id of the play), newest first by (watched_at, history_id). Read by the History
 * page and by the sync (numbering of episodes). Columns:
 * - `type` 'movie' | 'episode'; `title`/`year`: the movie's, or the SHOW's for an episode.
 * - movies: `movie_trakt`, `movie_imdb`, `movie_tmdb`.
 * - episodes: the episode's own ids `episode_trakt`, `episode_tvdb`, `episode_tmdb`,
 *   `episode_imdb`; its show's ids `show_trakt`, `show_tvdb`, `show_tmdb`, `show_imdb`;
 *   Trakt's numbering `season`/`number`; `episode_title`.
 * Indexed for lookups by each episode id, and by show id (tvdb, tmdb, imdb, trakt) + season +
 * number. Any id may be null (Trakt does not know it).
 */
import type { Selectable } from 'kysely';

export type HistoryType = 'movie' | 'episode';

export interface TraktHistoryTable {
  /** trakt_accounts.id */
  account_id: number;
  history_id: number;
  /** epoch ms UTC */
  watched_at: number;
  /** 'scrobble' | 'checkin' | 'watch' */
  action: string;
  type: HistoryType;
  title: string;
  year: number | null;
  movie_trakt: number | null;
  movie_imdb: string | null;
  movie_tmdb: number | null;
  show_trakt: number | null;
  show_imdb: string | null;
  show_tmdb: number | null;
  show_tvdb: number | null;
  season: number | null;
  number: number | null;
  episode_title: string | null;
  episode_trakt: number | null;
  episode_imdb: string | null;
  episode_tmdb: number | null;
  episode_tvdb: number | null;
}

export type HistoryPhase = 'empty' | 'filling' | 'ready';

/** Where the mirror of one account stands: first fill progress, what Trakt said last, errors. */
export interface TraktHistoryStateTable {
  account_id: number;
  phase: HistoryPhase;
  fill_pages_done: number;
  fill_page_count: number | null;
  fill_items_done: number;
  fill_item_count: number | null;
  /** JSON { movies, episodes }: the watched_at of /sync/last_activities when the mirror last agreed with Trakt. */
  activities: string | null;
  /** X-Pagination-Item-Count of /sync/history at the last check. */
  remote_count: number | null;
  last_full_at: number | null;
  last_checked_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  updated_at: number;
}

export type PosterMedia = 'movie' | 'tv';
export type PosterStatus = 'ok' | 'none' | 'error';

/** TMDB poster paths, cached with a lifetime (failures for a short one). */
export interface TmdbPostersTable {
  media: PosterMedia;
  tmdb_id: number;
  poster_path: string | null;
  status: PosterStatus;
  fetched_at: number;
  expires_at: number;
}

export interface HistoryTables {
  trakt_history: TraktHistoryTable;
  trakt_history_state: TraktHistoryStateTable;
  tmdb_posters: TmdbPostersTable;
}

export type HistoryRow = Selectable<TraktHistoryTable>;
export type HistoryStateRow = Selectable<TraktHistoryStateTable>;
export type PosterRow = Selectable<TmdbPostersTable>;
