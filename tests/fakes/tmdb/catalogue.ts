/**
 * What the TMDB emulator knows: movies and shows by TMDB id, episodes by show + TMDB's own
 * season/episode numbering, and the imdb/tvdb indexes behind /find.
 */

export interface TmdbMovie {
  id: number;
  title: string;
  year: number;
  imdb?: string;
  posterPath: string | null;
  runtimeMin?: number;
}

export interface TmdbEpisode {
  id: number;
  showId: number;
  season: number;
  number: number;
  name: string;
  imdb?: string;
  tvdb?: number;
  runtimeMin?: number;
  stillPath: string | null;
}

export interface TmdbShow {
  id: number;
  name: string;
  year: number;
  imdb?: string;
  tvdb?: number;
  posterPath: string | null;
  /** By `${season}:${number}`. */
  episodes: Map<string, TmdbEpisode>;
}

export type FoundRef = { kind: 'movie'; movie: TmdbMovie } | { kind: 'tv'; show: TmdbShow } | { kind: 'episode'; episode: TmdbEpisode };

const episodeKey = (season: number, number: number): string => `${season}:${number}`;

export class TmdbCatalogue {
  readonly movies = new Map<number, TmdbMovie>();
  readonly shows = new Map<number, TmdbShow>();
  private readonly byImdb = new Map<string, FoundRef[]>();
  private readonly byTvdb = new Map<number, FoundRef[]>();

  private index<K>(map: Map<K, FoundRef[]>, key: K | undefined, ref: FoundRef): void {
    if (key === undefined) return;
    const list = map.get(key);
    if (list) list.push(ref);
    else map.set(key, [ref]);
  }

  addMovie(m: TmdbMovie): TmdbMovie {
    this.movies.set(m.id, m);
    this.index(this.byImdb, m.imdb, { kind: 'movie', movie: m });
    return m;
  }

  addShow(s: Omit<TmdbShow, 'episodes'>): TmdbShow {
    const show: TmdbShow = { ...s, episodes: new Map() };
    this.shows.set(show.id, show);
    this.index(this.byImdb, show.imdb, { kind: 'tv', show });
    this.index(this.byTvdb, show.tvdb, { kind: 'tv', show });
    return show;
  }

  addEpisode(e: TmdbEpisode): TmdbEpisode {
    const show = this.shows.get(e.showId);
    if (!show) throw new Error(`TmdbCatalogue: add show ${e.showId} before its episodes`);
    show.episodes.set(episodeKey(e.season, e.number), e);
    this.index(this.byImdb, e.imdb, { kind: 'episode', episode: e });
    this.index(this.byTvdb, e.tvdb, { kind: 'episode', episode: e });
    return e;
  }

  episode(showId: number, season: number, number: number): TmdbEpisode | undefined {
    return this.shows.get(showId)?.episodes.get(episodeKey(season, number));
  }

  find(source: 'imdb_id' | 'tvdb_id', externalId: string): FoundRef[] {
    if (source === 'imdb_id') return this.byImdb.get(externalId) ?? [];
    const n = Number(externalId);
    return Number.isInteger(n) ? (this.byTvdb.get(n) ?? []) : [];
  }

  clear(): void {
    this.movies.clear();
    this.shows.clear();
    this.byImdb.clear();
    this.byTvdb.clear();
  }
}
