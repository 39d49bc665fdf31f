/** The TMDB API v3 emulator (plus its image host): start it, seed it, read what it was asked. */
export { startTmdbFake, TmdbFake, type TmdbFakeOptions } from './fake.js';
export { seedTmdbFromLibrary, type TmdbSeedSummary } from './seed.js';
export { TmdbCatalogue, type TmdbEpisode, type TmdbMovie, type TmdbShow } from './catalogue.js';
export { DEFAULT_RATE_LIMIT, DEFAULT_TMDB_API_KEY, DEFAULT_TMDB_READ_TOKEN, type RateLimit } from './gate.js';
export { IMAGE_SIZES, dimensions } from './images.js';
export { colourFor, PNG_SIGNATURE, pngSize, posterPng } from './png.js';
