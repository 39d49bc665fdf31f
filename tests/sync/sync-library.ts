/**
 * Small deterministic libraries for the sync tests and the benchmark, in the shared
 * library model (tests/fakes/library/model.ts), so the Trakt emulator seeds from the
 * same description as the Plex stand-in. Every item starts unwatched everywhere; tests
 * set the states they need.
 */
import type { LibEpisode, LibMovie, LibShow, Library } from '../fakes/library/model.js';

export interface LibrarySpec {
  movies: number;
  shows: number;
  episodesPerShow: number;
  /** Seasons per show (episodes spread evenly). */
  seasons?: number;
}

export const SECTION_MOVIES = 1;
export const SECTION_SHOWS = 2;

export function buildLibrary(spec: LibrarySpec): Library {
  const movies: LibMovie[] = [];
  for (let i = 1; i <= spec.movies; i++) {
    movies.push({
      key: `movie-${i}`,
      title: `Movie ${i}`,
      year: 1980 + (i % 40),
      durationMs: 6_000_000,
      ids: { imdb: `tt${String(1_000_000 + i).padStart(7, '0')}`, tmdb: 10_000 + i },
      traktId: 500_000 + i,
      agent: 'modern',
      sectionIds: [SECTION_MOVIES],
      plex: { viewCount: 0, lastViewedAt: null },
      trakt: { plays: [] },
    });
  }
  const shows: LibShow[] = [];
  let e = 0;
  const seasons = spec.seasons ?? 1;
  for (let j = 1; j <= spec.shows; j++) {
    const episodes: LibEpisode[] = [];
    for (let k = 0; k < spec.episodesPerShow; k++) {
      e++;
      const season = 1 + Math.floor((k * seasons) / Math.max(1, spec.episodesPerShow));
      const number = 1 + (k - Math.ceil(((season - 1) * spec.episodesPerShow) / seasons));
      episodes.push({
        key: `show-${j}-s${season}e${number}`,
        season,
        number,
        title: `Episode ${number}`,
        durationMs: 2_400_000,
        ids: { tvdb: 5_000_000 + e, tmdb: 8_000_000 + e },
        traktId: 9_000_000 + e,
        plex: { viewCount: 0, lastViewedAt: null },
        trakt: { plays: [] },
      });
    }
    shows.push({
      key: `show-${j}`,
      title: `Show ${j}`,
      year: 2000 + (j % 25),
      ids: { tvdb: 300_000 + j, tmdb: 60_000 + j, imdb: `tt${2_000_000 + j}` },
      traktId: 700_000 + j,
      agent: 'modern',
      sectionId: SECTION_SHOWS,
      episodes,
    });
  }
  return {
    seed: 1,
    serverName: 'Test Server',
    machineIdentifier: 'sync-test-machine-0001',
    owner: { plexAccountId: 1, plexUsername: 'owner', traktUsername: 'alice' },
    otherAccounts: [],
    sections: [
      { id: SECTION_MOVIES, title: 'Movies', type: 'movie', agent: 'tv.plex.agents.movie' },
      { id: SECTION_SHOWS, title: 'TV Shows', type: 'show', agent: 'tv.plex.agents.series' },
    ],
    movies,
    shows,
  };
}

export const iso = (sec: number) => new Date(sec * 1000).toISOString();

/** A small library whose movies are all watched in Plex only (one second apart), as a sync's first run finds it. */
export function plexWatchedLibrary(movies = 10, at = 1_750_000_000): Library {
  const lib = buildLibrary({ movies, shows: 1, episodesPerShow: 4 });
  lib.movies.forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: at + i }));
  return lib;
}
