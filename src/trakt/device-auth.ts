/**
 * The device-code login: start (a code for the user to enter at Trakt), poll one step
 * (Trakt's status codes → states), and finish (ask Trakt who signed in, store the account).
 * The settings page polls step by step from htmx; the CLI uses `runDeviceLogin`.
 */
import { saveConnectedAccount, type TraktAccount, type TraktTokenPair } from '../db/repos/trakt-accounts.js';
import type { Core } from '../core.js';
import { TraktAuthError } from './errors.js';
import { pollDeviceToken, requestDeviceCode, type DeviceCode, type DevicePoll, type OAuthApp } from './oauth.js';
import type { TraktClientRegistry } from './registry.js';

/** What connecting an account uses: the database, the cipher for tokens, log scrubbing, the log, the shared clients. */
export type DeviceLoginDeps = Pick<Core, 'db' | 'cipher' | 'secretRegistry' | 'log'> & { traktClients: TraktClientRegistry };
import type { TraktUserSettings } from './types.js';

export type { DeviceCode, DevicePoll } from './oauth.js';

export const startDeviceLogin = (app: OAuthApp): Promise<DeviceCode> => requestDeviceCode(app);

export const pollDeviceLogin = (app: OAuthApp, deviceCode: string): Promise<DevicePoll> => pollDeviceToken(app, deviceCode);

/** What each ending state means to the user, as a sentence that says what to do next. */
export const DEVICE_STATE_SENTENCES: Record<Exclude<DevicePoll['state'], 'approved' | 'pending' | 'slow_down'>, string> = {
  denied: 'The request was denied on Trakt. Start again if that was a mistake.',
  expired: 'The code expired before it was approved. Start again for a new code.',
  used: 'This code was already used. Start again for a new code.',
  invalid: 'Trakt does not know this code any more. Start again for a new code.',
  bad_client: 'Trakt refused the client secret. Copy the Client Secret of your app at trakt.tv/oauth/applications and try again.',
};

/** Asks Trakt whose tokens these are, then stores the account (tokens encrypted). */
export async function completeDeviceLogin(deps: DeviceLoginDeps, clientId: string, tokens: TraktTokenPair): Promise<TraktAccount> {
  deps.secretRegistry.add(tokens.accessToken);
  deps.secretRegistry.add(tokens.refreshToken);
  const registry = deps.traktClients;
  const settings = await registry.unauthenticated(clientId).request<TraktUserSettings>('GET', '/users/settings', { accessToken: tokens.accessToken });
  const user = settings?.user;
  if (!user?.username) throw new TraktAuthError('Trakt did not say which account signed in; try connecting again.');
  const account = await saveConnectedAccount(deps.db, deps.cipher, { username: user.username, slug: user.ids?.slug ?? user.username.toLowerCase(), name: user.name, vip: !!user.vip }, clientId, tokens);
  registry.invalidate();
  deps.log.info({ component: 'trakt', accountId: account.id, username: account.username }, 'Trakt connected');
  return account;
}

export interface RunDeviceLoginOptions {
  onCode(code: DeviceCode): void;
  onWaiting?(state: 'pending' | 'slow_down'): void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The whole flow in one call (the CLI): poll at Trakt's interval until approved, denied or expired. */
export async function runDeviceLogin(deps: DeviceLoginDeps, o: RunDeviceLoginOptions): Promise<TraktAccount> {
  const app = await deps.traktClients.oauthApp();
  const code = await startDeviceLogin(app);
  o.onCode(code);
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + code.expiresInSec * 1000;
  let intervalMs = code.intervalSec * 1000;
  // Bounded by the code's lifetime; the extra guard keeps a broken clock from looping forever.
  for (let polls = 0; polls < 10_000; polls++) {
    await sleep(intervalMs);
    if (now() > deadline) throw new TraktAuthError(DEVICE_STATE_SENTENCES.expired);
    const r = await pollDeviceLogin(app, code.deviceCode);
    if (r.state === 'approved') return completeDeviceLogin(deps, app.clientId, r.tokens);
    if (r.state === 'slow_down') intervalMs += 5000; // RFC 8628: add five seconds
    if (r.state === 'pending' || r.state === 'slow_down') {
      o.onWaiting?.(r.state);
      continue;
    }
    throw new TraktAuthError(DEVICE_STATE_SENTENCES[r.state]);
  }
  throw new TraktAuthError(DEVICE_STATE_SENTENCES.expired);
}
