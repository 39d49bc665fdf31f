/**
 * The neutral description of a media library that the generator produces and that
 * every emulator seeds itself from (Plex Media Server, plex.tv, Trakt, TMDB), so the
 * emulators agree with each other about what exists and who watched what.
 *
 * Times are epoch seconds (Plex's unit) or ISO-8601 UTC strings (Trakt's unit), as named.
 */

/** The real-world ids of a movie, show or episode (what Trakt and TMDB know it by). */
export interface ExternalIds {
  imdb?: string; // "tt0133093"
  tmdb?: number;
  tvdb?: number;
}

/**
 * How the Plex server presents an item's identity.
 * - modern: guid `plex://movie/<24hex>` + `Guid[]` with imdb/tmdb/tvdb (episodes carry their own ids)
 * - legacy-imdb: `com.plexapp.agents.imdb://tt…?lang=en` (movies)
 * - legacy-tmdb: `com.plexapp.agents.themoviedb://<id>?lang=en` (movies and shows)
 * - legacy-tvdb: `com.plexapp.agents.thetvdb://<showTvdb>/<season>/<episode>?lang=en` (episodes; show `…thetvdb://<id>`)
 * - hama-tvdb: `com.plexapp.agents.hama://tvdb-<showTvdb>/<season>/<episode>?lang=en`
 * - hama-anidb: `com.plexapp.agents.hama://anidb-<n>/<season>/<episode>?lang=en` (no usable id)
 * - local: `local://<n>` (no external id)
 * - none: `com.plexapp.agents.none://<hash>?lang=xn` (no external id)
 */
export type AgentStyle =
  | 'modern'
  | 'legacy-imdb'
  | 'legacy-tmdb'
  | 'legacy-tvdb'
  | 'hama-tvdb'
  | 'hama-anidb'
  | 'local'
  | 'none';

/** Watch state of one item on the Plex server (for the server owner). */
export interface PlexState {
  viewCount: number; // 0 = unwatched (Plex then omits the field)
  lastViewedAt: number | null; // epoch seconds
  viewOffsetMs?: number; // in progress
  userRating?: number; // 0-10, Plex's scale (5 stars = 10)
}

/** Watch state of one item on Trakt. */
export interface TraktState {
  plays: string[]; // watched_at of every play, ISO-8601 UTC, any order
  rating?: number; // 1-10
  ratedAt?: string;
}

export interface LibMovie {
  key: string; // stable within the library, e.g. "movie-17"
  title: string;
  year: number;
  durationMs: number;
  ids: ExternalIds;
  /** Trakt's own id; null = Trakt does not know this movie (a sync gets not_found). */
  traktId: number | null;
  agent: AgentStyle;
  /** Plex section ids holding it; two entries = the same movie in two libraries. */
  sectionIds: number[];
  /** Editions: extra Plex items of the same movie in the same section (e.g. "Director's Cut"). */
  editions?: string[];
  tmdbPosterPath?: string; // "/abc.jpg"
  plex: PlexState;
  trakt: TraktState;
}

export interface LibEpisode {
  key: string; // "show-3-s01e05"
  season: number; // Plex numbering (0 = specials)
  number: number;
  title: string;
  durationMs: number;
  /** The episode's own ids. */
  ids: ExternalIds;
  traktId: number | null;
  /** Trakt's numbering when it differs from Plex's (absolute vs aired order, etc.). */
  traktSeason?: number;
  traktNumber?: number;
  /** This file also holds the next `extraEpisodesInFile` episodes (multi-episode file, e.g. S01E01-E02). */
  extraEpisodesInFile?: number;
  plex: PlexState;
  trakt: TraktState;
}

export interface LibShow {
  key: string; // "show-3"
  title: string;
  year: number;
  ids: ExternalIds;
  traktId: number | null;
  agent: AgentStyle;
  sectionId: number;
  tmdbPosterPath?: string;
  /** Show-level rating. */
  plexRating?: number; // 0-10
  traktRating?: number; // 1-10
  episodes: LibEpisode[];
}

export interface LibSection {
  id: number;
  title: string;
  type: 'movie' | 'show';
  agent: string; // "tv.plex.agents.movie", "tv.plex.agents.series", "com.plexapp.agents.imdb", …
}

export interface LibAccount {
  plexAccountId: number; // 1 = server owner
  plexUsername: string;
  traktUsername: string;
}

export interface Library {
  seed: number;
  serverName: string;
  machineIdentifier: string;
  owner: LibAccount;
  /** Other Plex accounts (home/shared users) that appear in webhooks. */
  otherAccounts: LibAccount[];
  sections: LibSection[];
  movies: LibMovie[];
  shows: LibShow[];
}
