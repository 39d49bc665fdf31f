/** The settings page's "Test" button: does TMDB accept this key (v3 key or v4 read token)? */
import type { Core } from '../core.js';
import { TmdbClient, type FetchLike } from './client.js';

/** Asks TMDB's /configuration with the key, within 5 s; a sentence that says what to do when not. */
export async function testTmdbKey(
  deps: Pick<Core, 'config'>,
  key: string,
  opts: { fetch?: FetchLike; timeoutMs?: number } = {},
): Promise<{ ok: true } | { ok: false; message: string }> {
  const client = new TmdbClient({ apiUrl: deps.config.tmdb.apiUrl, key, fetch: opts.fetch, timeoutMs: opts.timeoutMs ?? 5000, gate: (fn) => fn() });
  try {
    await client.configuration();
    return { ok: true };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
