/**
 * A thin TMDB v3 client: `api_key` for a v3 key, `Authorization: Bearer` for a v4 read
 * token, an injectable fetch, one shared throttle (TMDB allows about 40 requests a second)
 * and errors as sentences. Only what the History page needs: /configuration and posters.
 */
import pThrottle from 'p-throttle';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export class TmdbError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TmdbError';
  }
}

/** TMDB has no such movie or show (404): cache it as "no poster". */
export class TmdbNotFoundError extends TmdbError {}

/** A throttled runner shared by every client of a process: one TMDB budget. */
export type TmdbGate = <T>(fn: () => Promise<T>) => Promise<T>;

export function tmdbGate(limit = 40, intervalMs = 1000): TmdbGate {
  // Strict: no sliding window ever holds more than `limit` calls (the windowed default can burst 2x at a boundary).
  const throttled = pThrottle({ limit, interval: intervalMs, strict: true })(<T>(fn: () => Promise<T>) => fn());
  return <T>(fn: () => Promise<T>) => throttled(fn) as Promise<T>;
}

export interface TmdbClientOptions {
  apiUrl: string;
  key: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  gate?: TmdbGate;
  /** The longest Retry-After honoured once on a 429 before giving up (default 5 s). */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface TmdbConfiguration {
  images?: { base_url?: string; secure_base_url?: string; poster_sizes?: string[] };
}

/** A v3 API key is 32 hex characters; anything else is a v4 read access token (Bearer). */
export const isV3Key = (key: string) => /^[0-9a-f]{32}$/i.test(key);

export class TmdbClient {
  private readonly fetch: FetchLike;
  private readonly gate: TmdbGate;

  constructor(private readonly o: TmdbClientOptions) {
    this.fetch = o.fetch ?? ((url, init) => fetch(url, init));
    this.gate = o.gate ?? tmdbGate();
  }

  private request(path: string): { url: string; headers: Record<string, string> } {
    // Base URLs may carry a path: append, never resolve against the host root.
    const url = new URL(this.o.apiUrl.replace(/\/+$/, '') + path);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (isV3Key(this.o.key)) url.searchParams.set('api_key', this.o.key);
    else headers.authorization = `Bearer ${this.o.key}`;
    return { url: url.toString(), headers };
  }

  async get<T>(path: string, retried = false): Promise<T> {
    const { url, headers } = this.request(path);
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    let res: Response;
    try {
      res = await this.gate(() => this.fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) }));
    } catch {
      throw new TmdbError(`TMDB (${this.o.apiUrl}) did not answer within ${timeoutMs / 1000} s. Check TMDB_API_URL and the server's internet access.`);
    }
    if (res.ok) {
      try {
        return (await res.json()) as T;
      } catch {
        throw new TmdbError(`TMDB answered ${path} with something that is not JSON; try again later.`, res.status);
      }
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 401) throw new TmdbError('TMDB refused the key (401 Invalid API key). Copy the key again from themoviedb.org/settings/api and save it in Settings.', 401);
    if (res.status === 404) throw new TmdbNotFoundError(`TMDB has no ${path}.`, 404);
    if (res.status === 429) {
      const wait = Number(res.headers.get('retry-after') ?? '1') * 1000;
      if (!retried && Number.isFinite(wait) && wait <= (this.o.maxRetryAfterMs ?? 5000)) {
        await (this.o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(Math.max(0, wait));
        return this.get<T>(path, true);
      }
      throw new TmdbError('TMDB is rate limiting this server (429); posters load again in a few minutes.', 429);
    }
    throw new TmdbError(`TMDB answered ${res.status} to ${path}; posters load again later.`, res.status);
  }

  configuration(): Promise<TmdbConfiguration> {
    return this.get('/configuration');
  }

  /** The poster path of a movie ('movie') or show ('tv'); null when TMDB has none. */
  async posterPath(media: 'movie' | 'tv', id: number): Promise<string | null> {
    const body = await this.get<unknown>(`/${media}/${id}`);
    const p = body !== null && typeof body === 'object' ? (body as { poster_path?: unknown }).poster_path : undefined;
    // Only a real answer says "no poster" (cached for days); a body of another shape is a failure (cached briefly).
    if (p !== null && typeof p !== 'string') throw new TmdbError(`TMDB answered /${media}/${id} with something that is not a ${media === 'tv' ? 'show' : 'movie'}; posters load again later.`);
    return typeof p === 'string' && p.startsWith('/') ? p : null;
  }
}
