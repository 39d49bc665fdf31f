/**
 * The Trakt side of the webhook worker's ports (src/scrobble/ports.ts), over THE client of
 * each account, so the worker and the sync spend the same budgets.
 */
import { listTraktAccounts } from '../db/repos/trakt-accounts.js';
import type { TraktAccountInfo, TraktWriter } from '../scrobble/ports.js';
import { historyReader } from '../ledger/trakt-history-read.js';
import type { Db } from '../db/database.js';
import { TraktAuthError, TraktBlockedError } from './errors.js';
import type { TraktClientRegistry } from './registry.js';

export async function connectedTraktAccounts(deps: { db: Db }): Promise<TraktAccountInfo[]> {
  return (await listTraktAccounts(deps.db)).filter((a) => a.status === 'connected').map((a) => ({ id: a.id, username: a.username }));
}

export async function defaultConnectedTraktAccountId(deps: { db: Db }): Promise<number | null> {
  return (await connectedTraktAccounts(deps))[0]?.id ?? null;
}

/** A writer for a connected account, or null (not connected, needs login, no app credentials). */
export async function traktWriterFor(deps: { db: Db; traktClients: TraktClientRegistry }, accountId: number): Promise<TraktWriter | null> {
  const account = (await listTraktAccounts(deps.db)).find((a) => a.id === accountId);
  if (!account || account.status !== 'connected') return null;
  let client;
  try {
    client = await deps.traktClients.forAccount(accountId);
  } catch (err) {
    if (err instanceof TraktAuthError) return null;
    throw err;
  }
  // Sign-in trouble is an answer (401, retried later; the account shows "needs login"), not a lost request.
  const answerOf = async (method: string, path: string, body?: unknown) => {
    try {
      const a = await client.send(method, path, { body });
      return { status: a.status, body: a.body };
    } catch (err) {
      if (err instanceof TraktAuthError) return { status: 401, body: { error: err.message } };
      if (err instanceof TraktBlockedError) return { status: 403, body: { error: err.message } };
      throw err;
    }
  };
  return {
    post: (path, body) => answerOf('POST', path, body),
    probe: historyReader((path) => answerOf('GET', path)),
  };
}
