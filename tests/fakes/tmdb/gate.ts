/**
 * Who may call and how often: `?api_key=<v3 key>` or `Authorization: Bearer <read token>`
 * (a present api_key decides, right or wrong), and a sliding-window request limit per
 * emulator (TMDB: "somewhere in the 40 requests per second range").
 */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { invalidKey, tooManyRequests } from './errors.js';

/** 32 hex characters, like a real v3 key (the app tells a v3 key from a v4 token by that). */
export const DEFAULT_TMDB_API_KEY = '5f1e0c6a2b9d4e7f8a3c1b0d9e2f4a6c';
/** A v4 "API Read Access Token" lookalike (a JWT). */
export const DEFAULT_TMDB_READ_TOKEN =
  'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiI1ZjFlMGM2YTJiOWQ0ZTdmOGEzYzFiMGQ5ZTJmNGE2YyIsInNjb3BlcyI6WyJhcGlfcmVhZCJdLCJ2ZXJzaW9uIjoxfQ.ZmFrZS10bWRiLXNpZ25hdHVyZQ';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 40, windowMs: 1_000 };

export interface Credentials {
  apiKey: string;
  readToken: string;
}

export function checkAuth(req: FakeRequest, creds: Credentials): FakeResponse | undefined {
  const key = req.query.get('api_key');
  if (key !== null) return key === creds.apiKey ? undefined : invalidKey();
  const auth = String(req.headers.authorization ?? '');
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  return m && m[1] === creds.readToken ? undefined : invalidKey();
}

/** Times of the requests let through in the current window; at most `limit` kept. */
export class RateLimiter {
  private times: number[] = [];
  rejected = 0;

  constructor(
    public config: RateLimit | false,
    private readonly now: () => number,
  ) {}

  check(): FakeResponse | undefined {
    if (!this.config) return undefined;
    const { limit, windowMs } = this.config;
    const t = this.now();
    while (this.times.length > 0 && this.times[0]! <= t - windowMs) this.times.shift();
    if (this.times.length < limit) {
      this.times.push(t);
      return undefined;
    }
    this.rejected += 1;
    const waitMs = this.times[0]! + windowMs - t;
    return tooManyRequests(this.times.length + 1, limit, Math.max(1, Math.ceil(waitMs / 1000)));
  }

  reset(): void {
    this.times = [];
  }
}
