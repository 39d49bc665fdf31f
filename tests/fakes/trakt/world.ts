/**
 * The emulator's whole state, apart from HTTP: catalogue, apps and tokens, users, rate limits,
 * the clock and the switches tests flip. Route handlers read and write it; `TraktFake` wraps it
 * in a server and a code-level API.
 */
import { AuthStore } from './auth.js';
import { Catalogue } from './catalogue.js';
import type { Clock } from './clock.js';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitConfig } from './rate-limit.js';
import { TraktUser, type UserInput } from './user.js';

export const DEFAULT_CLIENT_ID = 'trakt-fake-client-id';
export const DEFAULT_CLIENT_SECRET = 'trakt-fake-client-secret';

export interface TraktFakeOptions {
  /** Epoch-ms clock for tokens, windows and timestamps; default Date.now. */
  now?: Clock;
  /** Registered apps; default one app with DEFAULT_CLIENT_ID / DEFAULT_CLIENT_SECRET. */
  apps?: Array<{ clientId: string; clientSecret: string; name?: string; redirectUri?: string }>;
  /** Accounts; default one, "alice". The first is the default on the /activate page. */
  users?: UserInput[];
  /** Access-token lifetime; default 7 days (2026 docs). */
  tokenLifetimeSec?: number;
  deviceCodeExpiresInSec?: number; // default 600
  deviceCodeIntervalSec?: number; // default 5
  /** Rate limits (partial overrides of the real ones) or false for none. */
  rateLimits?: Partial<RateLimitConfig> | false;
  /** How long a repeat stop-scrobble of the same item answers 409; default 1 hour. */
  scrobbleWindowSec?: number;
  port?: number;
  /**
   * Treat Node's default User-Agent ("node", "undici") as none, i.e. Cloudflare's 403; default true.
   * Whether the real WAF does is unconfirmed (API.md A.1); the design asks for an explicit UA anyway.
   */
  blockDefaultUserAgent?: boolean;
  /** Serve under this path (e.g. "/trakt"), so clients are tested on base URLs that carry a path. */
  pathPrefix?: string;
}

export function limitConfig(input: Partial<RateLimitConfig> | false | undefined): RateLimitConfig {
  return input === false ? { ...DEFAULT_RATE_LIMITS, enabled: false } : { ...DEFAULT_RATE_LIMITS, ...input };
}

export class TraktWorld {
  readonly now: Clock;
  readonly catalogue = new Catalogue();
  readonly auth: AuthStore;
  readonly users = new Map<string, TraktUser>();
  readonly limiter: RateLimiter;
  scrobbleWindowSec: number;
  /** Path prefixes answered 426 for users without VIP. */
  readonly vipOnly = new Set<string>();
  /** Requests per route kind, e.g. "GET /sync/history". */
  readonly counts = new Map<string, number>();
  /** This emulator's own base URL (for verification_url); set when the server starts. */
  baseUrl = '';
  readonly pathPrefix: string;
  readonly blockDefaultUserAgent: boolean;
  private historySeq = 1_000_000_000;
  private playbackSeq = 0;

  constructor(opts: TraktFakeOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.auth = new AuthStore(this.now, {
      tokenLifetimeSec: opts.tokenLifetimeSec ?? 7 * 24 * 3600,
      deviceExpiresInSec: opts.deviceCodeExpiresInSec ?? 600,
      deviceIntervalSec: opts.deviceCodeIntervalSec ?? 5,
    });
    this.limiter = new RateLimiter(this.now, limitConfig(opts.rateLimits));
    this.scrobbleWindowSec = opts.scrobbleWindowSec ?? 3600;
    this.blockDefaultUserAgent = opts.blockDefaultUserAgent ?? true;
    this.pathPrefix = (opts.pathPrefix ?? '').replace(/\/+$/, '');
    for (const app of opts.apps ?? [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }]) this.auth.addApp(app);
    for (const u of opts.users ?? [{ username: 'alice' }]) this.addUser(u);
  }

  readonly nextHistoryId = (): number => ++this.historySeq;
  readonly nextPlaybackId = (): number => ++this.playbackSeq;

  /** Adds an account, or returns the existing one of that name. */
  addUser(input: UserInput): TraktUser {
    const existing = this.users.get(input.username);
    if (existing) return existing;
    const user = new TraktUser(input, this.now(), this.nextHistoryId);
    this.users.set(user.username, user);
    return user;
  }

  user(username: string): TraktUser {
    const user = this.users.get(username);
    if (!user) throw new Error(`Trakt emulator: no user ${username}`);
    return user;
  }

  defaultUsername(): string {
    const first = this.users.keys().next();
    if (first.done) throw new Error('Trakt emulator: no users');
    return first.value;
  }

  count(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }
}
