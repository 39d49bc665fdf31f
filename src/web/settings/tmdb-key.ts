/**
 * The TMDB key (v3 API key or v4 read token): the environment wins, else the encrypted
 * setting. `testTmdbKey` asks TMDB's /configuration with it, within 5 s.
 */
export { loadTmdbApiKey, saveTmdbApiKey, TMDB_SETTING } from '../../tmdb/key-store.js';

/** A sentence when the key cannot be right on its face, else undefined. */
export function tmdbKeyProblem(key: string): string | undefined {
  if (!key) return 'Enter the TMDB API key or read access token.';
  if (/\s/.test(key)) return 'The key contains spaces; paste it exactly as TMDB shows it.';
  if (key.length < 16 || key.length > 2000) return 'That does not look like a TMDB key: the v3 key has 32 characters, the read access token is much longer.';
  return undefined;
}

/** A v3 key (32 hex) goes in ?api_key=; anything else is a v4 read token sent as Bearer. */
export function tmdbRequest(apiUrl: string, key: string, path: string): { url: string; headers: Record<string, string> } {
  const base = apiUrl.replace(/\/+$/, '') + path;
  if (/^[0-9a-f]{32}$/i.test(key)) return { url: `${base}?api_key=${encodeURIComponent(key)}`, headers: { accept: 'application/json' } };
  return { url: base, headers: { accept: 'application/json', authorization: `Bearer ${key}` } };
}

export async function testTmdbKey(apiUrl: string, key: string, fetchImpl: typeof fetch = fetch, timeoutMs = 5000): Promise<{ ok: true } | { ok: false; message: string }> {
  const { url, headers } = tmdbRequest(apiUrl, key, '/configuration');
  let res: Response;
  try {
    res = await fetchImpl(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return { ok: false, message: `TMDB (${apiUrl}) did not answer within ${timeoutMs / 1000} s. Check TMDB_API_URL and the server's internet access, then test again.` };
  }
  await res.body?.cancel();
  if (res.ok) return { ok: true };
  if (res.status === 401) return { ok: false, message: 'TMDB refused this key (401 Invalid API key). Copy the key again from themoviedb.org/settings/api.' };
  return { ok: false, message: `TMDB answered ${res.status}; try again in a minute.` };
}
