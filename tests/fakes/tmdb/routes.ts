/** The API v3 routes under `/3`: configuration, details, external ids and /find. */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import type { TmdbCatalogue } from './catalogue.js';
import { invalidParameters, notFound } from './errors.js';
import { IMAGE_SIZES } from './images.js';
import {
  episodeDetails, episodeExternalIds, episodeResult, movieDetails, movieExternalIds, movieResult, showDetails, showExternalIds, showResult,
} from './json.js';

export const API_PREFIX = '/3';

const CHANGE_KEYS = ['adult', 'air_date', 'also_known_as', 'alternative_titles', 'biography', 'birthday', 'budget', 'cast', 'crew', 'episode', 'homepage', 'images', 'imdb_id', 'name', 'overview', 'poster_path', 'runtime', 'season', 'title', 'tvdb_id'];

export interface RouteContext {
  catalogue: TmdbCatalogue;
  /** Where this emulator serves images, ending in `/` as TMDB's base_url does. */
  imageBase: string;
}

const ok = (body: unknown): FakeResponse => ({ status: 200, body });
const id = (s: string | undefined): number | undefined => (s !== undefined && /^\d{1,10}$/.test(s) ? Number(s) : undefined);

export function configuration(imageBase: string) {
  return { images: { base_url: imageBase, secure_base_url: imageBase, ...IMAGE_SIZES }, change_keys: CHANGE_KEYS };
}

/** `path` is below /3, e.g. "/movie/550". */
export function route(req: FakeRequest, path: string, ctx: RouteContext): FakeResponse {
  const cat = ctx.catalogue;
  const p = path.split('/').slice(1);
  if (p.length === 1 && p[0] === 'configuration') return ok(configuration(ctx.imageBase));

  if (p[0] === 'movie' && (p.length === 2 || (p.length === 3 && p[2] === 'external_ids'))) {
    const m = cat.movies.get(id(p[1]) ?? -1);
    if (!m) return notFound();
    return ok(p.length === 2 ? movieDetails(m) : movieExternalIds(m));
  }

  if (p[0] === 'tv') {
    const show = cat.shows.get(id(p[1]) ?? -1);
    if (p.length === 2 || (p.length === 3 && p[2] === 'external_ids')) {
      if (!show) return notFound();
      return ok(p.length === 2 ? showDetails(show) : showExternalIds(show));
    }
    const isEpisode = p.length >= 6 && p[2] === 'season' && p[4] === 'episode' && (p.length === 6 || (p.length === 7 && p[6] === 'external_ids'));
    if (isEpisode) {
      const season = id(p[3]);
      const number = id(p[5]);
      const e = show && season !== undefined && number !== undefined ? cat.episode(show.id, season, number) : undefined;
      if (!show || !e) return notFound();
      return ok(p.length === 6 ? episodeDetails(e, show.year) : episodeExternalIds(e));
    }
  }

  if (p[0] === 'find' && p.length === 2) {
    const source = req.query.get('external_source');
    // Where the reference is silent (a missing or unsupported source), be strict.
    if (source !== 'imdb_id' && source !== 'tvdb_id') return invalidParameters();
    const found = cat.find(source, decodeURIComponent(p[1]!));
    const body = { movie_results: [] as unknown[], person_results: [] as unknown[], tv_results: [] as unknown[], tv_episode_results: [] as unknown[], tv_season_results: [] as unknown[] };
    for (const f of found) {
      // TVDB ids find shows and episodes, never movies (TMDB's table of sources).
      if (f.kind === 'movie' && source === 'imdb_id') body.movie_results.push(movieResult(f.movie));
      if (f.kind === 'tv') body.tv_results.push(showResult(f.show));
      if (f.kind === 'episode') body.tv_episode_results.push(episodeResult(f.episode, cat.shows.get(f.episode.showId)?.year ?? 2000));
    }
    return ok(body);
  }
  return notFound();
}
