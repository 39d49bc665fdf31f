/**
 * A Trakt account connected without the device-code dance, as after a login: a token pair
 * issued by the Trakt emulator, stored (sealed) in the service's database.
 */
import type { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/env.js';
import { saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import { startService } from '../../src/main.js';
import type { AppDeps } from '../../src/web/env.js';
import { DEFAULT_CLIENT_ID, type TraktFake } from '../fakes/trakt/index.js';
import { LogCapture } from './context.js';

/** Stores a connected account for `username` with a fresh emulator-issued token pair. */
export async function connectTraktAccount(deps: Pick<AppDeps, 'db' | 'cipher'>, trakt: TraktFake, username: string, name?: string) {
  const t = trakt.issueToken(username);
  return saveConnectedAccount(deps.db, deps.cipher, { username, slug: username, ...(name ? { name } : {}) }, DEFAULT_CLIENT_ID, {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    createdAt: t.created_at * 1000,
    expiresAt: (t.created_at + t.expires_in) * 1000,
  });
}

/**
 * Connects Trakt in the data directory of `env` before the service under test starts (a
 * short-lived service on a free port does the migrations and stores the account).
 */
export async function preconnectTrakt(env: Record<string, string>, trakt: TraktFake, username: string, opts: { name?: string; logSink?: Writable } = {}) {
  const first = await startService(loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' }), { logSink: opts.logSink ?? new LogCapture() });
  try {
    return await connectTraktAccount(first.deps, trakt, username, opts.name);
  } finally {
    await first.close();
  }
}
