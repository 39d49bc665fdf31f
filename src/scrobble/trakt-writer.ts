/**
 * Adapts engineer A's Trakt client (budgets, Retry-After, jittered retries, one token
 * refresh) to the worker's TraktWriter: typed errors with a status become answers the
 * rules read; errors without one (network, timeout) stay thrown ("no answer").
 */
import { TraktError } from '../trakt/errors.js';
import type { TraktClient } from '../trakt/client.js';
import { historyReader } from '../ledger/trakt-history-read.js';
import type { TraktAnswer, TraktWriter } from './ports.js';

async function answer(call: () => Promise<unknown>, okStatus: number): Promise<TraktAnswer> {
  try {
    return { status: okStatus, body: await call() };
  } catch (err) {
    if (err instanceof TraktError && typeof err.status === 'number') return { status: err.status, body: err.body ?? err.message };
    throw err;
  }
}

export function traktWriterFrom(client: Pick<TraktClient, 'post' | 'getJson'>): TraktWriter {
  return {
    post: (path, body) => answer(() => client.post(path, body), 201),
    probe: historyReader((pathWithQuery) => {
      const [path, query] = pathWithQuery.split('?');
      return answer(() => client.getJson(path!, Object.fromEntries(new URLSearchParams(query ?? ''))), 200);
    }),
  };
}
