/** The Plex emulators (plex.tv and a Plex Media Server) and the webhook sender. */
export { startPlexFakes, deadPort, type PlexFakes, type PlexFakesOptions } from './fakes.js';
export { PlexTvFake, startPlexTvFake, type PlexTvFakeOptions } from './plex-tv.js';
export { PlexServerFake, startPlexServerFake, type PlexServerFakeOptions } from './pms.js';
export { seedPlexFromLibrary, type PlexSeedSummary, type SeedOptions } from './seed.js';
export { PlexAccounts, OWNER_ID, OWNER_PLEX_TV_ID, type PlexAccount, type AccountInput } from './accounts.js';
export { emitWebhook } from './pms-control.js';
export { buildWebhookPayload, EVENTS_WITH_THUMB, type WebhookEvent, type WebhookInput, type PlexWebhookPayload } from './webhook-payload.js';
export { encodeWebhook, sendWebhook, sendEvent, webhookThumb, PLEX_USER_AGENT, TAUTULLI_USER_AGENT, type Corruption, type EncodeOptions, type SendOptions, type SendResult, type EncodedWebhook } from './webhook-sender.js';
export { makeJpeg, jpegSize } from './jpeg.js';
export { DEFAULT_PLAYER, PMS_VERSION, type Connection, type ServerDescriptor } from './resources.js';
export type { PlexCall, PlexCallAction } from './pms-actions.js';
export type { ItemState } from './watch-state.js';
export type { Session, SessionInput, PlayState } from './sessions.js';
export type { PlexItem, ItemType } from './store.js';
export type { Pin } from './pins.js';
export { LivePlay, sendNoise, type LivePlayOptions } from './live-play.js';
export { NotificationHub, NOTIFICATIONS_PATH } from './notifications.js';
