/**
 * Builders for one movie, show or episode with realistic values; shared by the ordinary
 * items (states drawn by share) and the edge cases (states chosen on purpose).
 */
import type { IdAllocator } from './ids.js';
import type { AgentStyle, ExternalIds, LibEpisode, LibMovie, LibShow } from './model.js';
import type { ResolvedOptions } from './options.js';
import type { Rng } from './prng.js';
import { applyRatings, pickRating, pickWatch, ratings, watchStates, type SideStates } from './states.js';
import { episodeTitle, movieTitle, showTitle } from './words.js';

export interface GenContext {
  o: ResolvedOptions;
  rng: Rng;
  ids: IdAllocator;
  movieSections: number[];
  showSections: number[];
}

/** Recent years are commoner, as in most libraries. */
const movieYear = (rng: Rng): number => 2026 - Math.floor(76 * rng.next() ** 2);
const movieDuration = (rng: Rng): number => rng.int(78, 175) * 60_000 + rng.int(0, 59) * 1_000;
const EPISODE_MINUTES = [22, 24, 30, 42, 45, 50, 58] as const;
const episodeDuration = (rng: Rng): number => (rng.pick(EPISODE_MINUTES) + rng.int(-2, 3)) * 60_000 + rng.int(0, 59) * 1_000;

/** Ordinary items: state and rating drawn by the configured shares. */
export function drawnStates(ctx: GenContext, durationMs: number, episode: boolean): SideStates {
  const { rng, o } = ctx;
  const s = watchStates(rng, pickWatch(rng, o.watched), durationMs, o.now);
  return applyRatings(s, ratings(rng, pickRating(rng, episode ? o.episodeRatings : o.ratings), o.now));
}

function primaryMovieSection(ctx: GenContext): number {
  const [first, ...others] = ctx.movieSections;
  return others.length === 0 || ctx.rng.chance(0.8) ? first! : ctx.rng.pick(others);
}

export function legacyMovieAgent(ctx: GenContext, hasImdb: boolean): AgentStyle {
  return hasImdb && ctx.rng.chance(0.6) ? 'legacy-imdb' : 'legacy-tmdb';
}

export function legacyShowAgent(ctx: GenContext): AgentStyle {
  const r = ctx.rng.next();
  return r < 0.5 ? 'legacy-tvdb' : r < 0.75 ? 'legacy-tmdb' : 'hama-tvdb';
}

export function makeMovie(ctx: GenContext, key: string, over: Partial<LibMovie> = {}): LibMovie {
  const { rng, ids } = ctx;
  const imdb = rng.chance(0.97) ? ids.imdb() : undefined;
  const durationMs = over.durationMs ?? movieDuration(rng);
  const sectionIds = [primaryMovieSection(ctx)];
  if (ctx.movieSections.length > 1 && rng.chance(ctx.o.secondSectionShare)) {
    sectionIds.push(rng.pick(ctx.movieSections.filter((s) => s !== sectionIds[0])));
  }
  const movie: LibMovie = {
    key,
    title: movieTitle(rng),
    year: movieYear(rng),
    durationMs,
    ids: { ...(imdb ? { imdb } : {}), tmdb: ids.tmdb('movie') },
    traktId: ids.trakt('movie'),
    agent: rng.chance(ctx.o.legacyShare) ? legacyMovieAgent(ctx, imdb !== undefined) : 'modern',
    sectionIds,
    ...(rng.chance(0.97) ? { tmdbPosterPath: ids.poster() } : {}),
    ...drawnStates(ctx, durationMs, false),
  };
  return Object.assign(movie, over);
}

export function makeShow(ctx: GenContext, key: string, over: Partial<LibShow> = {}): LibShow {
  const { rng, ids, o } = ctx;
  const imdb = rng.chance(0.92) ? ids.imdb() : undefined;
  const r = ratings(rng, pickRating(rng, o.ratings), o.now);
  const show: LibShow = {
    key,
    title: showTitle(rng),
    year: rng.int(1990, 2025),
    ids: { ...(imdb ? { imdb } : {}), tmdb: ids.tmdb('show'), tvdb: ids.tvdb('show') },
    traktId: ids.trakt('show'),
    agent: rng.chance(o.legacyShare) ? legacyShowAgent(ctx) : 'modern',
    sectionId: rng.pick(ctx.showSections),
    ...(rng.chance(0.97) ? { tmdbPosterPath: ids.poster() } : {}),
    ...(r.plex !== undefined ? { plexRating: r.plex } : {}),
    ...(r.trakt !== undefined ? { traktRating: r.trakt } : {}),
    episodes: [],
  };
  return Object.assign(show, over);
}

const pad = (n: number): string => String(n).padStart(2, '0');
export const episodeKey = (showKey: string, season: number, number: number): string => `${showKey}-s${pad(season)}e${pad(number)}`;

export function makeEpisode(ctx: GenContext, show: LibShow, season: number, number: number, states?: (durationMs: number) => SideStates): LibEpisode {
  const { rng, ids } = ctx;
  const durationMs = episodeDuration(rng);
  // Built field by field: 200k episodes, and spreads would double the garbage.
  const own: ExternalIds = {};
  if (rng.chance(0.6)) own.imdb = ids.imdb();
  if (rng.chance(0.95)) own.tmdb = ids.tmdb('episode');
  if (rng.chance(0.97)) own.tvdb = ids.tvdb('episode');
  const s = states ? states(durationMs) : drawnStates(ctx, durationMs, true);
  return {
    key: episodeKey(show.key, season, number),
    season,
    number,
    title: episodeTitle(rng, number),
    durationMs,
    ids: own,
    traktId: show.traktId === null ? null : ids.trakt('episode'),
    plex: s.plex,
    trakt: s.trakt,
  };
}

/** Splits `total` episodes into seasons (6-24 long), with a few specials in some shows. */
export function seasonPlan(rng: Rng, total: number): Array<[season: number, count: number]> {
  const plan: Array<[number, number]> = [];
  let left = total;
  if (total >= 4 && rng.chance(0.08)) {
    const specials = rng.int(1, 2);
    plan.push([0, specials]);
    left -= specials;
  }
  const length = rng.chance(0.6) ? rng.int(6, 13) : rng.int(18, 24);
  for (let season = 1; left > 0; season++) {
    const n = Math.min(left, length);
    plan.push([season, n]);
    left -= n;
  }
  return plan;
}

export function addEpisodes(ctx: GenContext, show: LibShow, total: number): void {
  for (const [season, count] of seasonPlan(ctx.rng, total)) {
    for (let n = 1; n <= count; n++) show.episodes.push(makeEpisode(ctx, show, season, n));
  }
}
