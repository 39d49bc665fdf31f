/** The Trakt API v2 emulator: start it, seed it, drive it, read it back. */
export { startTraktFake, TraktFake } from './fake.js';
export { seedTraktFromLibrary, type SeedSummary } from './seed.js';
export { manualClock, type Clock, type ManualClock } from './clock.js';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, TraktWorld, type TraktFakeOptions } from './world.js';
export { DEFAULT_RATE_LIMITS, type RateLimitConfig } from './rate-limit.js';
export type { TokenResponse } from './auth.js';
export type { ItemRef, PlayRecord, PlaybackRecord, RatingRecord } from './inspect.js';
export type { MovieInput, ShowInput, EpisodeInput } from './catalogue.js';
