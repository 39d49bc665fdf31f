/**
 * Loads a generated Library into the TMDB emulator: movies and shows by their tmdb ids with
 * the library's poster paths, and episodes under TMDB's numbering (which follows Trakt's
 * where the library says Trakt numbers an episode differently).
 */
import type { Library } from '../library/model.js';
import type { TmdbFake } from './fake.js';

export interface TmdbSeedSummary {
  movies: number;
  shows: number;
  episodes: number;
  ms: number;
}

/** A stable still image name for an episode (TMDB-style: letters and digits + .jpg). */
const stillFor = (id: number): string => `/s${(Math.imul(id, 0x9e3779b1) >>> 0).toString(36)}${id.toString(36)}.jpg`;

export function seedTmdbFromLibrary(fake: TmdbFake, lib: Library): TmdbSeedSummary {
  const t0 = performance.now();
  const cat = fake.catalogue;
  const out: TmdbSeedSummary = { movies: 0, shows: 0, episodes: 0, ms: 0 };
  for (const m of lib.movies) {
    if (m.ids.tmdb === undefined) continue;
    cat.addMovie({ id: m.ids.tmdb, title: m.title, year: m.year, imdb: m.ids.imdb, posterPath: m.tmdbPosterPath ?? null, runtimeMin: Math.round(m.durationMs / 60_000) });
    out.movies += 1;
  }
  for (const s of lib.shows) {
    if (s.ids.tmdb === undefined) continue;
    const show = cat.addShow({ id: s.ids.tmdb, name: s.title, year: s.year, imdb: s.ids.imdb, tvdb: s.ids.tvdb, posterPath: s.tmdbPosterPath ?? null });
    out.shows += 1;
    for (const e of s.episodes) {
      if (e.ids.tmdb === undefined) continue;
      cat.addEpisode({
        id: e.ids.tmdb,
        showId: show.id,
        season: e.traktSeason ?? e.season,
        number: e.traktNumber ?? e.number,
        name: e.title,
        imdb: e.ids.imdb,
        tvdb: e.ids.tvdb,
        runtimeMin: Math.round(e.durationMs / 60_000),
        stillPath: stillFor(e.ids.tmdb),
      });
      out.episodes += 1;
    }
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}
