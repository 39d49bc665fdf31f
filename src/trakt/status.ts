/** Trakt's part of /api/v1/status and `plex-trakt-sync status`, and the dashboard card's state. */
import type { Db } from '../db/database.js';
import { defaultTraktAccount, listTraktAccounts } from '../db/repos/trakt-accounts.js';

export interface TraktCardState {
  state: 'connected' | 'needs_login' | 'not_connected';
  username?: string;
  lastError?: string | null;
}

export async function traktCardState(db: Db): Promise<TraktCardState> {
  const account = await defaultTraktAccount(db);
  if (!account) return { state: 'not_connected' };
  return { state: account.status === 'connected' ? 'connected' : 'needs_login', username: account.username, lastError: account.lastError };
}

export async function traktStatus(db: Db): Promise<Record<string, unknown>> {
  const accounts = await listTraktAccounts(db);
  return {
    trakt: {
      connected: accounts.some((a) => a.status === 'connected'),
      needsLogin: accounts.some((a) => a.status === 'needs_login'),
      accounts: accounts.map((a) => ({
        id: a.id,
        username: a.username,
        status: a.status,
        vip: a.vip,
        expiresAt: a.expiresAt ? new Date(a.expiresAt).toISOString() : null,
        lastError: a.lastError,
      })),
    },
  };
}
