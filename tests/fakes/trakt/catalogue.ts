/**
 * What Trakt knows exists: movies, shows, seasons and episodes with their ids, indexed by every
 * id kind so that a lookup is one map read (the emulator serves 100k-episode libraries).
 * Episodes are filed under Trakt's numbering, which may differ from Plex's.
 */

export interface CatMovie {
  kind: 'movie';
  trakt: number;
  slug: string;
  title: string;
  year: number | null;
  imdb: string | null;
  tmdb: number | null;
  runtime: number; // minutes
  released: string; // YYYY-MM-DD
}

export interface CatShow {
  kind: 'show';
  trakt: number;
  slug: string;
  title: string;
  year: number | null;
  imdb: string | null;
  tmdb: number | null;
  tvdb: number | null;
  runtime: number;
  seasons: Map<number, CatSeason>;
  episodeCount: number;
}

export interface CatSeason {
  kind: 'season';
  trakt: number;
  tvdb: number | null;
  tmdb: number | null;
  number: number;
  show: CatShow;
  episodes: Map<number, CatEpisode>;
}

export interface CatEpisode {
  kind: 'episode';
  trakt: number;
  imdb: string | null;
  tmdb: number | null;
  tvdb: number | null;
  season: number; // Trakt numbering
  number: number;
  title: string;
  runtime: number;
  firstAired: number; // epoch ms
  show: CatShow;
  seasonRef: CatSeason;
}

export interface MovieInput {
  trakt: number;
  title: string;
  year?: number | null;
  slug?: string;
  imdb?: string | null;
  tmdb?: number | null;
  runtime?: number;
  released?: string;
}

export interface ShowInput {
  trakt: number;
  title: string;
  year?: number | null;
  slug?: string;
  imdb?: string | null;
  tmdb?: number | null;
  tvdb?: number | null;
  runtime?: number;
}

export interface EpisodeInput {
  trakt: number;
  showTrakt: number;
  season: number; // Trakt numbering
  number: number;
  title?: string;
  imdb?: string | null;
  tmdb?: number | null;
  tvdb?: number | null;
  runtime?: number;
  firstAired?: number; // epoch ms
}

/** The ids object of a request item; values may arrive as strings. */
export type IdsInput = Record<string, unknown>;

export function slugify(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'untitled';
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const titleKey = (title: unknown, year: unknown) =>
  typeof title === 'string' && num(year) !== undefined ? `${title.toLowerCase()}|${num(year)}` : undefined;

function setIf<K, V>(map: Map<K, V>, key: K | null | undefined, value: V): void {
  if (key !== null && key !== undefined) map.set(key, value);
}

const DAY_MS = 86_400_000;

export class Catalogue {
  readonly movies = new Map<number, CatMovie>();
  private movieImdb = new Map<string, CatMovie>();
  private movieTmdb = new Map<number, CatMovie>();
  private movieSlug = new Map<string, CatMovie>();
  private movieTitle = new Map<string, CatMovie>();

  readonly shows = new Map<number, CatShow>();
  private showImdb = new Map<string, CatShow>();
  private showTmdb = new Map<number, CatShow>();
  private showTvdb = new Map<number, CatShow>();
  private showSlug = new Map<string, CatShow>();
  private showTitle = new Map<string, CatShow>();

  readonly seasons = new Map<number, CatSeason>();
  private seasonTvdb = new Map<number, CatSeason>();
  private seasonTmdb = new Map<number, CatSeason>();
  private nextSeasonId = 9_000_000;

  readonly episodes = new Map<number, CatEpisode>();
  private episodeImdb = new Map<string, CatEpisode>();
  private episodeTmdb = new Map<number, CatEpisode>();
  private episodeTvdb = new Map<number, CatEpisode>();

  /** Adds (or replaces the ids and title of) a movie. */
  addMovie(input: MovieInput): CatMovie {
    const year = input.year ?? null;
    const movie: CatMovie = {
      kind: 'movie',
      trakt: input.trakt,
      slug: input.slug ?? `${slugify(input.title)}${year ? `-${year}` : ''}`,
      title: input.title,
      year,
      imdb: input.imdb ?? null,
      tmdb: input.tmdb ?? null,
      runtime: input.runtime ?? 110,
      released: input.released ?? `${year ?? 2000}-06-01`,
    };
    this.movies.set(movie.trakt, movie);
    setIf(this.movieImdb, movie.imdb, movie);
    setIf(this.movieTmdb, movie.tmdb, movie);
    this.movieSlug.set(movie.slug, movie);
    setIf(this.movieTitle, titleKey(movie.title, movie.year), movie);
    return movie;
  }

  /** Adds a show; an existing show keeps its seasons and episodes. */
  addShow(input: ShowInput): CatShow {
    const existing = this.shows.get(input.trakt);
    const year = input.year ?? null;
    const show: CatShow = existing ?? {
      kind: 'show',
      trakt: input.trakt,
      slug: '',
      title: '',
      year: null,
      imdb: null,
      tmdb: null,
      tvdb: null,
      runtime: 45,
      seasons: new Map(),
      episodeCount: 0,
    };
    Object.assign(show, {
      slug: input.slug ?? slugify(input.title),
      title: input.title,
      year,
      imdb: input.imdb ?? null,
      tmdb: input.tmdb ?? null,
      tvdb: input.tvdb ?? null,
      runtime: input.runtime ?? show.runtime,
    });
    this.shows.set(show.trakt, show);
    setIf(this.showImdb, show.imdb, show);
    setIf(this.showTmdb, show.tmdb, show);
    setIf(this.showTvdb, show.tvdb, show);
    this.showSlug.set(show.slug, show);
    setIf(this.showTitle, titleKey(show.title, show.year), show);
    return show;
  }

  /** The season of a show, created on first use with a generated Trakt id. */
  season(show: CatShow, number: number, ids: { trakt?: number; tvdb?: number; tmdb?: number } = {}): CatSeason {
    let season = show.seasons.get(number);
    if (!season) {
      season = {
        kind: 'season',
        trakt: ids.trakt ?? this.nextSeasonId++,
        tvdb: ids.tvdb ?? null,
        tmdb: ids.tmdb ?? null,
        number,
        show,
        episodes: new Map(),
      };
      show.seasons.set(number, season);
      this.seasons.set(season.trakt, season);
      setIf(this.seasonTvdb, season.tvdb, season);
      setIf(this.seasonTmdb, season.tmdb, season);
    }
    return season;
  }

  addEpisode(input: EpisodeInput): CatEpisode {
    const show = this.shows.get(input.showTrakt);
    if (!show) throw new Error(`addEpisode: unknown show ${input.showTrakt}`);
    const season = this.season(show, input.season);
    const firstAired =
      input.firstAired ?? Date.UTC(show.year ?? 2000, 0, 1) + (input.season * 20 + input.number) * 7 * DAY_MS;
    const episode: CatEpisode = {
      kind: 'episode',
      trakt: input.trakt,
      imdb: input.imdb ?? null,
      tmdb: input.tmdb ?? null,
      tvdb: input.tvdb ?? null,
      season: input.season,
      number: input.number,
      title: input.title ?? `Episode ${input.number}`,
      runtime: input.runtime ?? show.runtime,
      firstAired,
      show,
      seasonRef: season,
    };
    if (!season.episodes.has(episode.number)) show.episodeCount += 1;
    season.episodes.set(episode.number, episode);
    this.episodes.set(episode.trakt, episode);
    setIf(this.episodeImdb, episode.imdb, episode);
    setIf(this.episodeTmdb, episode.tmdb, episode);
    setIf(this.episodeTvdb, episode.tvdb, episode);
    return episode;
  }

  /** Trakt's match order: trakt, imdb, tmdb, tvdb, slug; then title + year. */
  findMovie(ids: IdsInput | undefined, title?: unknown, year?: unknown): CatMovie | undefined {
    const i = ids ?? {};
    return (
      this.movies.get(num(i.trakt) ?? NaN) ??
      this.movieImdb.get(str(i.imdb) ?? '') ??
      this.movieTmdb.get(num(i.tmdb) ?? NaN) ??
      this.movieSlug.get(str(i.slug) ?? '') ??
      this.movieTitle.get(titleKey(title, year) ?? '')
    );
  }

  findShow(ids: IdsInput | undefined, title?: unknown, year?: unknown): CatShow | undefined {
    const i = ids ?? {};
    return (
      this.shows.get(num(i.trakt) ?? NaN) ??
      this.showImdb.get(str(i.imdb) ?? '') ??
      this.showTmdb.get(num(i.tmdb) ?? NaN) ??
      this.showTvdb.get(num(i.tvdb) ?? NaN) ??
      this.showSlug.get(str(i.slug) ?? '') ??
      this.showTitle.get(titleKey(title, year) ?? '')
    );
  }

  findSeason(ids: IdsInput | undefined): CatSeason | undefined {
    const i = ids ?? {};
    return (
      this.seasons.get(num(i.trakt) ?? NaN) ??
      this.seasonTvdb.get(num(i.tvdb) ?? NaN) ??
      this.seasonTmdb.get(num(i.tmdb) ?? NaN)
    );
  }

  findEpisode(ids: IdsInput | undefined): CatEpisode | undefined {
    const i = ids ?? {};
    return (
      this.episodes.get(num(i.trakt) ?? NaN) ??
      this.episodeImdb.get(str(i.imdb) ?? '') ??
      this.episodeTmdb.get(num(i.tmdb) ?? NaN) ??
      this.episodeTvdb.get(num(i.tvdb) ?? NaN)
    );
  }

  /** An episode of a show by Trakt season + number. */
  episodeAt(show: CatShow, season: unknown, number: unknown): CatEpisode | undefined {
    return show.seasons.get(num(season) ?? NaN)?.episodes.get(num(number) ?? NaN);
  }

  /** Every episode of a show (or of one season), in season/number order. */
  episodesOf(show: CatShow, seasonNumber?: number): CatEpisode[] {
    const seasons =
      seasonNumber === undefined
        ? [...show.seasons.values()].sort((a, b) => a.number - b.number)
        : [show.seasons.get(seasonNumber)].filter((s): s is CatSeason => !!s);
    return seasons.flatMap((s) => [...s.episodes.values()].sort((a, b) => a.number - b.number));
  }

  /** Id lookups for /search/{id_type}/{id}: every kind that carries the id. */
  lookup(idType: string, id: string): { movies: CatMovie[]; shows: CatShow[]; episodes: CatEpisode[] } {
    const ids = { [idType]: id };
    const only = <T>(x: T | undefined) => (x ? [x] : []);
    switch (idType) {
      case 'trakt':
      case 'imdb':
      case 'tmdb':
        return { movies: only(this.findMovie(ids)), shows: only(this.findShow(ids)), episodes: only(this.findEpisode(ids)) };
      case 'tvdb':
        return { movies: [], shows: only(this.findShow(ids)), episodes: only(this.findEpisode(ids)) };
      default:
        return { movies: [], shows: [], episodes: [] };
    }
  }
}
