/** What a caller can ask of the generator, the defaults, and their validation. */
import type { LibAccount, LibSection } from './model.js';

/** Shares of items (0-1) in each watch state; whatever is left is watched nowhere. Exclusive. */
export interface WatchShares {
  /** Watched in Plex (viewCount ≥ 1), no play on Trakt. */
  plexOnly: number;
  /** Played on Trakt, unwatched in Plex. */
  traktOnly: number;
  /** Watched on both, a Trakt play at exactly Plex's lastViewedAt. */
  bothSameTime: number;
  /** Watched on both, Trakt's plays at other times. */
  bothDifferentTime: number;
  /** In progress in Plex (viewOffset, no viewCount), nothing on Trakt. */
  inProgress: number;
}

/** Shares of items (0-1) rated on each side. Exclusive. */
export interface RatingShares {
  plexOnly: number;
  traktOnly: number;
  /** Rated on both with the same value. */
  bothSame: number;
  /** Rated on both with different values. */
  conflicting: number;
}

export interface GenerateOptions {
  seed?: number;
  /** Movies, edge-case movies included (the library grows to hold them if this is smaller). */
  movies?: number;
  /** Shows, edge-case shows included (likewise). */
  shows?: number;
  /** Episodes per ordinary show, inclusive range; ignored when `episodes` is given. */
  episodesPerShow?: [number, number];
  /** Exact episode total, edge-case episodes included (at least one per show). */
  episodes?: number;
  /** Plex sections; default: two movie libraries and one show library. */
  sections?: LibSection[];
  /** Share of movies that are also in the second movie section (as a 4K copy would be). */
  secondSectionShare?: number;
  watched?: Partial<WatchShares>;
  ratings?: Partial<RatingShares>;
  /** Rating shares for episodes (people rate few episodes). */
  episodeRatings?: Partial<RatingShares>;
  /** Share of ordinary movies and shows matched by a legacy agent (imdb/tmdb/tvdb/hama). */
  legacyShare?: number;
  /** Add the `edge-…` items; default on for small libraries (≤ 2,000 movies and ≤ 500 shows). */
  edgeCases?: boolean;
  /** Other Plex accounts besides the owner (0-5). */
  otherAccounts?: number;
  owner?: Partial<Omit<LibAccount, 'plexAccountId'>>;
  /** "Now" in epoch seconds: plays fall in the ~3 years before it. Fixed by default for determinism. */
  now?: number;
}

export interface ResolvedOptions {
  seed: number;
  movies: number;
  shows: number;
  episodesPerShow: [number, number];
  episodes: number | undefined;
  sections: LibSection[];
  secondSectionShare: number;
  watched: WatchShares;
  ratings: RatingShares;
  episodeRatings: RatingShares;
  legacyShare: number;
  edgeCases: boolean;
  otherAccounts: number;
  owner: Omit<LibAccount, 'plexAccountId'>;
  now: number;
}

/** 2026-11-01T00:00:00Z. */
export const DEFAULT_NOW = 1_793_491_200;
export const MAX_MOVIES = 20_000;
export const MAX_EPISODES = 200_000;

export const DEFAULT_SECTIONS: LibSection[] = [
  { id: 1, title: 'Movies', type: 'movie', agent: 'tv.plex.agents.movie' },
  { id: 2, title: 'Movies 4K', type: 'movie', agent: 'tv.plex.agents.movie' },
  { id: 3, title: 'TV Shows', type: 'show', agent: 'tv.plex.agents.series' },
];

export const DEFAULT_WATCHED: WatchShares = { plexOnly: 0.15, traktOnly: 0.1, bothSameTime: 0.25, bothDifferentTime: 0.05, inProgress: 0.03 };
export const DEFAULT_RATINGS: RatingShares = { plexOnly: 0.06, traktOnly: 0.06, bothSame: 0.06, conflicting: 0.03 };
export const DEFAULT_EPISODE_RATINGS: RatingShares = { plexOnly: 0.01, traktOnly: 0.01, bothSame: 0.01, conflicting: 0.005 };

function checkShares(name: string, shares: object): void {
  let sum = 0;
  for (const [k, v] of Object.entries(shares)) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`generateLibrary: ${name}.${k} must be a number in [0, 1], got ${v}`);
    sum += v;
  }
  if (sum > 1 + 1e-9) throw new Error(`generateLibrary: the ${name} shares add up to ${sum.toFixed(3)}, more than 1`);
}

const count = (name: string, v: number, max: number): number => {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`generateLibrary: ${name} must be an integer in [0, ${max}], got ${v}`);
  return v;
};

export function resolveOptions(o: GenerateOptions = {}): ResolvedOptions {
  const movies = count('movies', o.movies ?? 40, MAX_MOVIES);
  const shows = count('shows', o.shows ?? 14, MAX_EPISODES);
  const range = o.episodesPerShow ?? [3, 40];
  if (!(Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] >= 1 && range[1] >= range[0])) {
    throw new Error(`generateLibrary: episodesPerShow must be [min ≥ 1, max ≥ min], got [${range.join(', ')}]`);
  }
  if (o.episodes === undefined && shows * range[1] > MAX_EPISODES) {
    throw new Error(`generateLibrary: ${shows} shows of up to ${range[1]} episodes could exceed ${MAX_EPISODES} episodes; pass \`episodes\``);
  }
  const sections = o.sections ?? DEFAULT_SECTIONS;
  if (!sections.some((s) => s.type === 'movie') && movies > 0) throw new Error('generateLibrary: movies need a movie section');
  if (!sections.some((s) => s.type === 'show') && shows > 0) throw new Error('generateLibrary: shows need a show section');
  const r: ResolvedOptions = {
    seed: (o.seed ?? 1) >>> 0,
    movies,
    shows,
    episodesPerShow: [range[0], range[1]],
    episodes: o.episodes === undefined ? undefined : count('episodes', o.episodes, MAX_EPISODES),
    sections,
    secondSectionShare: o.secondSectionShare ?? 0.02,
    watched: { ...DEFAULT_WATCHED, ...o.watched },
    ratings: { ...DEFAULT_RATINGS, ...o.ratings },
    episodeRatings: { ...DEFAULT_EPISODE_RATINGS, ...o.episodeRatings },
    legacyShare: o.legacyShare ?? 0.1,
    edgeCases: o.edgeCases ?? (movies <= 2_000 && shows <= 500),
    otherAccounts: count('otherAccounts', o.otherAccounts ?? 2, 5),
    owner: { plexUsername: o.owner?.plexUsername ?? 'alice', traktUsername: o.owner?.traktUsername ?? 'alice' },
    now: o.now ?? DEFAULT_NOW,
  };
  checkShares('watched', r.watched);
  checkShares('ratings', r.ratings);
  checkShares('episodeRatings', r.episodeRatings);
  checkShares('shares', { secondSectionShare: r.secondSectionShare, legacyShare: r.legacyShare });
  return r;
}
