/** The parts of Trakt's answers the service reads (API.md A.5); everything else passes through. */
export interface TraktIds {
  trakt?: number;
  slug?: string;
  imdb?: string | null;
  tmdb?: number | null;
  tvdb?: number | null;
}

export interface TraktMedia {
  title?: string;
  year?: number | null;
  ids: TraktIds;
}

export interface TraktEpisode extends TraktMedia {
  season: number;
  number: number;
}

export interface TraktUserSettings {
  user: { username: string; name?: string | null; vip?: boolean; ids: { slug: string } };
  limits?: Record<string, unknown>;
  [k: string]: unknown;
}

export type TraktLastActivities = Record<string, unknown> & { all?: string };

export interface TraktWatchedMovie {
  plays: number;
  last_watched_at: string;
  last_updated_at?: string;
  movie: TraktMedia;
}

export interface TraktWatchedShow {
  plays: number;
  last_watched_at: string;
  last_updated_at?: string;
  reset_at?: string | null;
  show: TraktMedia;
  seasons?: Array<{ number: number; episodes: Array<{ number: number; plays: number; last_watched_at: string }> }>;
}

export interface TraktHistoryItem {
  id: number;
  watched_at: string;
  action: string;
  type: 'movie' | 'episode';
  movie?: TraktMedia;
  episode?: TraktEpisode;
  show?: TraktMedia;
}

export interface TraktRating {
  rated_at: string;
  rating: number;
  type: 'movie' | 'show' | 'season' | 'episode';
  movie?: TraktMedia;
  show?: TraktMedia;
  episode?: TraktEpisode;
}
