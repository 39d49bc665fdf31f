/**
 * Trakt's OAuth endpoints (device code, device token, refresh, revoke) on TRAKT_OAUTH_URL.
 * Single tries with a timeout: a refresh must never be re-sent blindly (the old refresh
 * token dies the moment Trakt answers), and the settings page wants an answer in seconds.
 */
import type { TraktTokenPair } from '../db/repos/trakt-accounts.js';
import { TraktAuthError, TraktBlockedError, TraktUnavailableError, TraktVipRequiredError, isCloudflareBlock } from './errors.js';
import { exchange, joinUrl, NoAnswerError, traktHeaders, type FetchLike, type TraktAnswer } from './http.js';
import { lightFetch } from '../net/light-fetch.js';

/** The redirect URI of an app that logs in by device code. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

export interface OAuthApp {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  userAgent: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

export interface DeviceCode {
  deviceCode: string;
  userCode: string;
  verificationUrl: string;
  expiresInSec: number;
  intervalSec: number;
}

export type DevicePoll =
  | { state: 'approved'; tokens: TraktTokenPair }
  | { state: 'pending' | 'invalid' | 'used' | 'expired' | 'denied' | 'slow_down' | 'bad_client' };

export type RefreshResult = { ok: true; tokens: TraktTokenPair } | { ok: false; reason: 'invalid_grant' | 'invalid_client'; message: string };

async function call(app: OAuthApp, path: string, body: Record<string, unknown>): Promise<TraktAnswer> {
  try {
    return await exchange(app.fetch ?? lightFetch, 'POST', joinUrl(app.oauthUrl, path), traktHeaders(app.clientId, app.userAgent), body, app.timeoutMs ?? 15_000);
  } catch (err) {
    if (err instanceof NoAnswerError) {
      throw new TraktUnavailableError(`${err.message}. Check that TRAKT_OAUTH_URL (${app.oauthUrl}) is right and the server can reach the internet, then try again.`);
    }
    throw err;
  }
}

function oauthError(a: TraktAnswer): string | undefined {
  const b = a.body as { error?: unknown } | undefined;
  return b && typeof b === 'object' && typeof b.error === 'string' ? b.error : undefined;
}

function unexpected(a: TraktAnswer, what: string): Error {
  if (isCloudflareBlock(a)) return new TraktBlockedError();
  if (a.status === 426) return new TraktVipRequiredError(a.headers.get('x-upgrade-url') ?? undefined, 426, a.body);
  if (a.status >= 500) return new TraktUnavailableError(`Trakt answered ${a.status} to ${what}; try again in a minute.`, a.status);
  return new TraktAuthError(`Trakt answered ${a.status} to ${what}.`, a.status, a.body);
}

/** Trakt's token response → the pair we store (expiry = created_at + expires_in). */
export function tokenPair(body: unknown, now = Date.now()): TraktTokenPair {
  const b = body as Record<string, unknown>;
  if (!b || typeof b.access_token !== 'string' || typeof b.refresh_token !== 'string') {
    throw new TraktUnavailableError('Trakt sent a token answer without tokens; try again.');
  }
  const createdAt = typeof b.created_at === 'number' ? b.created_at * 1000 : now;
  const expiresIn = typeof b.expires_in === 'number' ? b.expires_in : 7 * 24 * 3600;
  return { accessToken: b.access_token, refreshToken: b.refresh_token, createdAt, expiresAt: createdAt + expiresIn * 1000 };
}

export async function requestDeviceCode(app: OAuthApp): Promise<DeviceCode> {
  const a = await call(app, '/oauth/device/code', { client_id: app.clientId });
  if (a.status === 200) {
    const b = a.body as Record<string, unknown>;
    return {
      deviceCode: String(b.device_code),
      userCode: String(b.user_code),
      verificationUrl: String(b.verification_url),
      expiresInSec: Number(b.expires_in) || 600,
      intervalSec: Number(b.interval) || 5,
    };
  }
  if (a.status === 401 || a.status === 403 || a.status === 404) {
    throw new TraktAuthError('Trakt does not know this client id. Copy the Client ID from your app at trakt.tv/oauth/applications.', a.status);
  }
  throw unexpected(a, 'the device-code request');
}

const POLL_STATES: Record<number, DevicePoll['state']> = { 400: 'pending', 404: 'invalid', 409: 'used', 410: 'expired', 418: 'denied', 429: 'slow_down' };

/** One poll of the device token, as Trakt documents its status codes. */
export async function pollDeviceToken(app: OAuthApp, deviceCode: string, now = Date.now()): Promise<DevicePoll> {
  const a = await call(app, '/oauth/device/token', { code: deviceCode, client_id: app.clientId, client_secret: app.clientSecret });
  if (a.status === 200) return { state: 'approved', tokens: tokenPair(a.body, now) };
  if (a.status === 401 || (a.status === 403 && !isCloudflareBlock(a))) return { state: 'bad_client' };
  const state = POLL_STATES[a.status];
  if (state) return { state } as DevicePoll;
  throw unexpected(a, 'the device-token poll');
}

export async function refreshTokens(app: OAuthApp, refreshToken: string, now = Date.now()): Promise<RefreshResult> {
  const a = await call(app, '/oauth/token', {
    refresh_token: refreshToken,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: OOB_REDIRECT_URI,
    grant_type: 'refresh_token',
  });
  if (a.status === 200) return { ok: true, tokens: tokenPair(a.body, now) };
  if (a.status === 400 || a.status === 401) {
    if (oauthError(a) === 'invalid_client') {
      return { ok: false, reason: 'invalid_client', message: 'Trakt refused the client id or secret while renewing the sign-in. Check them in Settings.' };
    }
    return { ok: false, reason: 'invalid_grant', message: 'Trakt no longer accepts the saved sign-in (the refresh was refused). Connect Trakt again in Settings; nothing was deleted.' };
  }
  throw unexpected(a, 'the token refresh');
}

/** Revokes an access token (and its refresh partner). Unknown tokens are fine. */
export async function revokeToken(app: OAuthApp, accessToken: string): Promise<void> {
  const a = await call(app, '/oauth/revoke', { token: accessToken, client_id: app.clientId, client_secret: app.clientSecret });
  if (a.status >= 200 && a.status < 300) return;
  throw unexpected(a, 'the token revocation');
}

/**
 * Whether Trakt accepts this client secret, without spending anything: a refresh with a
 * token that cannot exist answers invalid_client for a wrong secret, invalid_grant otherwise.
 */
export async function clientSecretAccepted(app: OAuthApp): Promise<boolean> {
  const r = await refreshTokens(app, 'plex-trakt-sync-credential-check');
  return r.ok || r.reason !== 'invalid_client';
}
