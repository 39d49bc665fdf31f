/** The environment that points the service at the emulators (each part on its own, to combine). */
import type { PlexFakes } from '../fakes/plex/index.js';
import { tempDir } from './context.js';
import { DEFAULT_TMDB_API_KEY, type TmdbFake } from '../fakes/tmdb/index.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, type TraktFake } from '../fakes/trakt/index.js';

/** Trakt's API and OAuth on the emulator, with the emulator's registered app. */
export const traktEnv = (trakt: TraktFake) => ({
  TRAKT_API_URL: trakt.url,
  TRAKT_OAUTH_URL: trakt.url,
  TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID,
  TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
});

/** plex.tv and its sign-in page on the emulator (for the PIN login). */
export const plexTvEnv = (plex: PlexFakes) => ({ PLEX_TV_URL: plex.tvUrl, PLEX_AUTH_URL: plex.authUrl });

/** The emulated server preset by PLEX_URL + PLEX_TOKEN (the owner's token), no login needed. */
export const plexPresetEnv = (plex: PlexFakes) => ({ PLEX_URL: plex.pmsUrl, PLEX_TOKEN: plex.pms.tokenFor() });

/** TMDB and its image host on the emulator, with the emulator's key. */
export const tmdbEnv = (tmdb: TmdbFake) => ({ TMDB_API_KEY: DEFAULT_TMDB_API_KEY, TMDB_API_URL: tmdb.url, TMDB_IMAGE_URL: tmdb.imageBaseUrl });

/** The service itself: a fresh data directory, a free loopback port, debug logs, no browser, the admin password set. */
export const loopbackServiceEnv = (adminPassword: string) => ({
  DATA_DIR: tempDir(),
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'debug',
  OPEN_BROWSER: 'false',
  ADMIN_PASSWORD: adminPassword,
});
