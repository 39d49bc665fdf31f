/**
 * The TMDB emulator: API v3 under `/3` (auth, rate limit, details, /find) and the image
 * host under `/t/p`, on one FakeServer (request log, faults, latency, /__control).
 */
import { FakeServer, type FakeRequest, type FakeResponse, type Fault, type LoggedRequest } from '../kit/server.js';
import { TmdbCatalogue } from './catalogue.js';
import { methodNotAllowed, notFound } from './errors.js';
import { checkAuth, DEFAULT_RATE_LIMIT, DEFAULT_TMDB_API_KEY, DEFAULT_TMDB_READ_TOKEN, RateLimiter, type RateLimit } from './gate.js';
import { IMAGE_PATH_PREFIX, ImageHost } from './images.js';
import { API_PREFIX, route } from './routes.js';

export interface TmdbFakeOptions {
  apiKey?: string;
  readToken?: string;
  /** Requests per window before 429 (default 40 per second); false = no limit. */
  rateLimit?: RateLimit | false;
  now?: () => number;
  port?: number;
}

export class TmdbFake {
  readonly server: FakeServer;
  readonly catalogue = new TmdbCatalogue();
  readonly images = new ImageHost();
  readonly limiter: RateLimiter;
  apiKey: string;
  readToken: string;
  /** Counts of API requests by path (below /3), whatever their answer. */
  private counts = new Map<string, number>();

  constructor(opts: TmdbFakeOptions = {}) {
    this.apiKey = opts.apiKey ?? DEFAULT_TMDB_API_KEY;
    this.readToken = opts.readToken ?? DEFAULT_TMDB_READ_TOKEN;
    this.limiter = new RateLimiter(opts.rateLimit === undefined ? { ...DEFAULT_RATE_LIMIT } : opts.rateLimit, opts.now ?? Date.now);
    this.server = new FakeServer({
      name: 'tmdb',
      handle: (req) => this.handle(req),
      control: {
        'rate-limit': (b: { limit?: number; windowMs?: number; off?: boolean }) => {
          this.limiter.config = b.off ? false : { limit: Number(b.limit ?? DEFAULT_RATE_LIMIT.limit), windowMs: Number(b.windowMs ?? DEFAULT_RATE_LIMIT.windowMs) };
          this.limiter.reset();
          return { rateLimit: this.limiter.config };
        },
        counts: () => this.requestCounts(),
        reset: () => this.reset(),
      },
    });
  }

  /** Origin + `/3`: what TMDB_API_URL should be. */
  get url(): string {
    return `${this.server.url}${API_PREFIX}`;
  }

  get origin(): string {
    return this.server.url;
  }

  /** Origin + `/t/p`, like TMDB_IMAGE_URL (no trailing slash); /configuration gives it with one. */
  get imageBaseUrl(): string {
    return `${this.server.url}${IMAGE_PATH_PREFIX.slice(0, -1)}`;
  }

  async start(port = 0): Promise<this> {
    await this.server.start(port);
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: FakeRequest): FakeResponse {
    if (req.path.startsWith(IMAGE_PATH_PREFIX)) return this.images.handle(req);
    if (!req.path.startsWith(`${API_PREFIX}/`)) return notFound();
    const path = req.path.slice(API_PREFIX.length);
    this.counts.set(path, (this.counts.get(path) ?? 0) + 1);
    const denied = this.limiter.check() ?? checkAuth(req, this);
    if (denied) return denied;
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed();
    return route(req, path, { catalogue: this.catalogue, imageBase: `${this.imageBaseUrl}/` });
  }

  /** API requests by path below /3 (`{"/movie/550": 2}`), rejected ones included. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** How many API requests had a path (below /3) starting with `prefix`. */
  count(prefix = '/'): number {
    let n = 0;
    for (const [path, c] of this.counts) if (path.startsWith(prefix)) n += c;
    return n;
  }

  /** The kit's log of requests whose full path starts with `prefix` (e.g. "/3/movie", "/t/p/"). */
  received(prefix: string): LoggedRequest[] {
    return this.server.received(prefix);
  }

  inject(match: string | RegExp, fault: Fault, times = 1): void {
    this.server.inject(match, fault, times);
  }

  /** Forget counts, the request log, faults and the rate window (the catalogue stays). */
  reset(): void {
    this.counts.clear();
    this.server.clearLog();
    this.server.clearFaults();
    this.limiter.reset();
  }
}

export async function startTmdbFake(opts: TmdbFakeOptions = {}): Promise<TmdbFake> {
  return new TmdbFake(opts).start(opts.port ?? 0);
}
