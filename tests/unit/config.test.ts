import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, shouldOpenBrowser } from '../../src/config/env.js';

describe('configuration', () => {
  it('gives every documented default with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: './data',
      logLevel: 'info',
      trakt: { apiUrl: 'https://api.trakt.tv', oauthUrl: 'https://api.trakt.tv' },
      plex: { tvUrl: 'https://plex.tv', authUrl: 'https://app.plex.tv/auth', live: true },
      tmdb: { apiUrl: 'https://api.themoviedb.org/3', imageUrl: 'https://image.tmdb.org/t/p' },
    });
    expect(c.publicUrl).toBeUndefined();
    expect(Object.isFrozen(c) && Object.isFrozen(c.trakt)).toBe(true);
  });

  it('keeps a base URL path and drops the trailing slash so API paths append', () => {
    const c = loadConfig({ TRAKT_API_URL: 'https://proxy.example/trakt/', PLEX_URL: 'http://10.0.0.5:32400' });
    expect(c.trakt.apiUrl).toBe('https://proxy.example/trakt');
    expect(c.plex.url).toBe('http://10.0.0.5:32400');
  });

  it('PLEX_LIVE is on unless turned off, and says so when it is neither', () => {
    expect(loadConfig({ PLEX_LIVE: 'off' }).plex.live).toBe(false);
    expect(loadConfig({ PLEX_LIVE: 'on' }).plex.live).toBe(true);
    expect(() => loadConfig({ PLEX_LIVE: 'sometimes' })).toThrow('Configuration error: PLEX_LIVE must be true or false (got "sometimes")');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', PUBLIC_URL: '  ' }).port).toBe(8080);
  });

  const bad: [string, string, RegExp][] = [
    ['PORT', 'abc', /^Configuration error: PORT must be a whole number from 1 to 65535 \(got "abc"\)$/],
    ['PORT', '70000', /^Configuration error: PORT must be a whole number/],
    ['PUBLIC_URL', 'example.com', /^Configuration error: PUBLIC_URL must be a full URL/],
    ['TRAKT_API_URL', 'ftp://x', /^Configuration error: TRAKT_API_URL must start with http/],
    ['TRAKT_OAUTH_URL', 'nope', /^Configuration error: TRAKT_OAUTH_URL must be a full URL/],
    ['PLEX_URL', '32400', /^Configuration error: PLEX_URL /],
    ['PLEX_TV_URL', 'plex', /^Configuration error: PLEX_TV_URL /],
    ['PLEX_AUTH_URL', 'x', /^Configuration error: PLEX_AUTH_URL /],
    ['TMDB_API_URL', 'x', /^Configuration error: TMDB_API_URL /],
    ['TMDB_IMAGE_URL', 'x', /^Configuration error: TMDB_IMAGE_URL /],
    ['LOG_LEVEL', 'loud', /^Configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent$/],
    ['OPEN_BROWSER', 'maybe', /^Configuration error: OPEN_BROWSER must be true or false \(got "maybe"\)$/],
    ['ADMIN_PASSWORD', 'short', /^Configuration error: ADMIN_PASSWORD must be at least 8 characters long$/],
    ['API_KEY', 'tiny', /^Configuration error: API_KEY must be at least 16 characters long$/],
    ['WEBHOOK_SECRET', 'has spaces in it!!', /^Configuration error: WEBHOOK_SECRET may contain only letters/],
  ];
  it.each(bad)('%s=%s is one clear line', (name, value, expected) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  it('opens the browser only where a person is watching', () => {
    const c = loadConfig({});
    expect(shouldOpenBrowser(c, {}, true)).toBe(true);
    expect(shouldOpenBrowser(c, {}, false)).toBe(false);
    expect(shouldOpenBrowser(c, { CI: 'true' }, true)).toBe(false);
    expect(shouldOpenBrowser(c, { PTS_IN_DOCKER: '1' }, true)).toBe(false);
    expect(shouldOpenBrowser(loadConfig({ OPEN_BROWSER: 'false' }), {}, true)).toBe(false);
  });
});
