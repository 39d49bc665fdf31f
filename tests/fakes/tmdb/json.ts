/**
 * The JSON bodies, shaped like TMDB v3's (fields a client reads, plausible values for the
 * rest; derived from the record so the same item always answers the same).
 */
import type { TmdbEpisode, TmdbMovie, TmdbShow } from './catalogue.js';

const pad = (n: number): string => String(n).padStart(2, '0');
const dateIn = (year: number, id: number): string => `${year}-${pad(1 + (id % 12))}-${pad(1 + (id % 28))}`;
const vote = (id: number) => ({ vote_average: Math.round((5 + (id % 45) / 10) * 1000) / 1000, vote_count: 50 + (id % 5000) });
const popularity = (id: number): number => Math.round((1 + (id % 997) / 7) * 1000) / 1000;
const backdrop = (posterPath: string | null): string | null => (posterPath ? posterPath.replace(/^\/(.)/, '/b$1') : null);

function movieBase(m: TmdbMovie) {
  return {
    adult: false,
    backdrop_path: backdrop(m.posterPath),
    id: m.id,
    original_language: 'en',
    original_title: m.title,
    overview: `${m.title} (${m.year}), an emulated TMDB record.`,
    popularity: popularity(m.id),
    poster_path: m.posterPath,
    release_date: dateIn(m.year, m.id),
    title: m.title,
    video: false,
    ...vote(m.id),
  };
}

export function movieDetails(m: TmdbMovie) {
  return {
    ...movieBase(m),
    belongs_to_collection: null,
    budget: 0,
    genres: [{ id: 18, name: 'Drama' }],
    homepage: '',
    imdb_id: m.imdb ?? null,
    origin_country: ['US'],
    production_companies: [],
    production_countries: [{ iso_3166_1: 'US', name: 'United States of America' }],
    revenue: 0,
    runtime: m.runtimeMin ?? 0,
    spoken_languages: [{ english_name: 'English', iso_639_1: 'en', name: 'English' }],
    status: 'Released',
    tagline: '',
  };
}

export const movieResult = (m: TmdbMovie) => ({ ...movieBase(m), media_type: 'movie', genre_ids: [18] });

function showBase(s: TmdbShow) {
  return {
    adult: false,
    backdrop_path: backdrop(s.posterPath),
    id: s.id,
    name: s.name,
    original_language: 'en',
    original_name: s.name,
    overview: `${s.name}, an emulated TMDB record.`,
    popularity: popularity(s.id),
    poster_path: s.posterPath,
    first_air_date: dateIn(s.year, s.id),
    origin_country: ['US'],
    ...vote(s.id),
  };
}

export function showDetails(s: TmdbShow) {
  const seasons = new Map<number, TmdbEpisode[]>();
  for (const e of s.episodes.values()) {
    const list = seasons.get(e.season);
    if (list) list.push(e);
    else seasons.set(e.season, [e]);
  }
  const numbers = [...seasons.keys()].sort((a, b) => a - b);
  return {
    ...showBase(s),
    created_by: [],
    episode_run_time: [],
    genres: [{ id: 18, name: 'Drama' }],
    homepage: '',
    in_production: false,
    languages: ['en'],
    number_of_episodes: s.episodes.size,
    number_of_seasons: numbers.filter((n) => n > 0).length,
    seasons: numbers.map((n) => ({
      air_date: dateIn(s.year + Math.max(0, n - 1), s.id),
      episode_count: seasons.get(n)!.length,
      id: s.id * 100 + n,
      name: n === 0 ? 'Specials' : `Season ${n}`,
      overview: '',
      poster_path: s.posterPath,
      season_number: n,
      vote_average: 0,
    })),
    status: 'Ended',
    type: 'Scripted',
  };
}

export const showResult = (s: TmdbShow) => ({ ...showBase(s), media_type: 'tv', genre_ids: [18] });

function episodeBase(e: TmdbEpisode, showYear: number) {
  return {
    id: e.id,
    name: e.name,
    overview: '',
    air_date: dateIn(showYear + Math.max(0, e.season - 1), e.id),
    episode_number: e.number,
    episode_type: 'standard',
    production_code: '',
    runtime: e.runtimeMin ?? null,
    season_number: e.season,
    show_id: e.showId,
    still_path: e.stillPath,
    ...vote(e.id),
  };
}

export const episodeDetails = (e: TmdbEpisode, showYear: number) => ({ ...episodeBase(e, showYear), crew: [], guest_stars: [] });
export const episodeResult = (e: TmdbEpisode, showYear: number) => ({ ...episodeBase(e, showYear), media_type: 'tv_episode' });

export const movieExternalIds = (m: TmdbMovie) => ({ id: m.id, imdb_id: m.imdb ?? null, wikidata_id: null, facebook_id: null, instagram_id: null, twitter_id: null });
export const showExternalIds = (s: TmdbShow) => ({ id: s.id, imdb_id: s.imdb ?? null, tvdb_id: s.tvdb ?? null, freebase_mid: null, freebase_id: null, tvrage_id: null, wikidata_id: null, facebook_id: null, instagram_id: null, twitter_id: null });
export const episodeExternalIds = (e: TmdbEpisode) => ({ id: e.id, imdb_id: e.imdb ?? null, tvdb_id: e.tvdb ?? null, freebase_mid: null, freebase_id: null, tvrage_id: null, wikidata_id: null });
