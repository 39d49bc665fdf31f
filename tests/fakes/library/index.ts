/** The library generator: a seeded, neutral library model every emulator seeds itself from. */
export { generateLibrary } from './generate.js';
export { describeLibrary, type LibrarySummary, type StateCounts } from './describe.js';
export { EDGE_MOVIE_KEYS, EDGE_PREFIX, EDGE_SHOW_KEYS, edgeItems, isEdgeKey, type EdgeMovieKind, type EdgeShowKind } from './edges.js';
export {
  DEFAULT_EPISODE_RATINGS, DEFAULT_NOW, DEFAULT_RATINGS, DEFAULT_SECTIONS, DEFAULT_WATCHED, MAX_EPISODES, MAX_MOVIES,
  type GenerateOptions, type RatingShares, type WatchShares,
} from './options.js';
export { iso } from './states.js';
export { mulberry32, type Rng } from './prng.js';
export type * from './model.js';
