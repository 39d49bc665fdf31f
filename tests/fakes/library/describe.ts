/**
 * describeLibrary: what a library holds, counted from the items' states (not from the
 * options), for tests that check shares and for benchmark reports.
 */
import type { AgentStyle, LibEpisode, LibMovie, Library, PlexState, TraktState } from './model.js';
import { isEdgeKey } from './edges.js';
import { iso } from './states.js';

export interface StateCounts {
  total: number;
  /** viewCount ≥ 1 in Plex. */
  plexWatched: number;
  /** At least one play on Trakt. */
  traktWatched: number;
  plexOnly: number;
  traktOnly: number;
  both: number;
  /** Watched on both with a Trakt play at exactly Plex's lastViewedAt. */
  bothSameTime: number;
  /** viewOffset without viewCount. */
  inProgress: number;
  neither: number;
  traktPlays: number;
  plexRated: number;
  traktRated: number;
  ratedBoth: number;
  ratingConflicts: number;
  /** traktId null. */
  traktUnknown: number;
}

export interface LibrarySummary {
  sections: number;
  accounts: number;
  movies: StateCounts;
  /** Plex items the movies make: one per section and edition. */
  plexMovieItems: number;
  shows: number;
  seasons: number;
  episodes: StateCounts;
  /** Episodes whose file holds more episodes, and the episodes Trakt numbers differently. */
  multiEpisodeFiles: number;
  renumberedEpisodes: number;
  specials: number;
  /** Movies and shows by agent style. */
  agents: Record<AgentStyle, number>;
  edgeItems: number;
}

const emptyCounts = (): StateCounts => ({
  total: 0, plexWatched: 0, traktWatched: 0, plexOnly: 0, traktOnly: 0, both: 0, bothSameTime: 0, inProgress: 0,
  neither: 0, traktPlays: 0, plexRated: 0, traktRated: 0, ratedBoth: 0, ratingConflicts: 0, traktUnknown: 0,
});

function count(c: StateCounts, plex: PlexState, trakt: TraktState, traktId: number | null): void {
  c.total += 1;
  const p = plex.viewCount >= 1;
  const t = trakt.plays.length > 0;
  if (p) c.plexWatched += 1;
  if (t) c.traktWatched += 1;
  if (p && t) {
    c.both += 1;
    if (plex.lastViewedAt !== null && trakt.plays.includes(iso(plex.lastViewedAt))) c.bothSameTime += 1;
  } else if (p) c.plexOnly += 1;
  else if (t) c.traktOnly += 1;
  else c.neither += 1;
  if (!p && plex.viewOffsetMs) c.inProgress += 1;
  c.traktPlays += trakt.plays.length;
  const pr = plex.userRating !== undefined;
  const tr = trakt.rating !== undefined;
  if (pr) c.plexRated += 1;
  if (tr) c.traktRated += 1;
  if (pr && tr) {
    c.ratedBoth += 1;
    if (plex.userRating !== trakt.rating) c.ratingConflicts += 1;
  }
  if (traktId === null) c.traktUnknown += 1;
}

export function describeLibrary(lib: Library): LibrarySummary {
  const agents = { modern: 0, 'legacy-imdb': 0, 'legacy-tmdb': 0, 'legacy-tvdb': 0, 'hama-tvdb': 0, 'hama-anidb': 0, local: 0, none: 0 } as Record<AgentStyle, number>;
  const movies = emptyCounts();
  const episodes = emptyCounts();
  let plexMovieItems = 0;
  let seasons = 0;
  let multiEpisodeFiles = 0;
  let renumberedEpisodes = 0;
  let specials = 0;
  let edgeItems = 0;
  const eachMovie = (m: LibMovie) => {
    count(movies, m.plex, m.trakt, m.traktId);
    plexMovieItems += m.sectionIds.length * (1 + (m.editions?.length ?? 0));
    agents[m.agent] += 1;
    if (isEdgeKey(m.key)) edgeItems += 1;
  };
  const eachEpisode = (e: LibEpisode) => {
    count(episodes, e.plex, e.trakt, e.traktId);
    if (e.extraEpisodesInFile) multiEpisodeFiles += 1;
    if (e.traktSeason !== undefined || e.traktNumber !== undefined) renumberedEpisodes += 1;
    if (e.season === 0) specials += 1;
  };
  lib.movies.forEach(eachMovie);
  for (const s of lib.shows) {
    agents[s.agent] += 1;
    if (isEdgeKey(s.key)) edgeItems += 1;
    seasons += new Set(s.episodes.map((e) => e.season)).size;
    s.episodes.forEach(eachEpisode);
  }
  return {
    sections: lib.sections.length,
    accounts: 1 + lib.otherAccounts.length,
    movies,
    plexMovieItems,
    shows: lib.shows.length,
    seasons,
    episodes,
    multiEpisodeFiles,
    renumberedEpisodes,
    specials,
    agents,
    edgeItems,
  };
}
