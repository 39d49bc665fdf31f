/**
 * The Trakt API v2 emulator: `startTraktFake(options)` gives a running server (on the kit's
 * FakeServer) plus a code-level API to seed it, drive the device login, flip switches and read
 * back what a client did. The same actions are reachable at POST /__control/<action> for a
 * separate process (the demo).
 */
import { FakeServer, type FakeRequest, type FakeResponse } from '../kit/server.js';
import type { TokenResponse } from './auth.js';
import { toIso } from './clock.js';
import { cloudflareBlock, admit, checkApp, hasUserAgent } from './gate.js';
import type { RateLimitConfig } from './rate-limit.js';
import type { Ctx, Route } from './route.js';
import { historyRoutes } from './routes-history.js';
import { handleOauth } from './routes-oauth.js';
import { ratingRoutes } from './routes-ratings.js';
import { scrobbleRoutes } from './routes-scrobble.js';
import { searchRoutes } from './routes-search.js';
import { watchedRoutes } from './routes-watched.js';
import { TraktInspector } from './inspect.js';
import type { TraktUser, UserInput } from './user.js';
import { limitConfig, TraktWorld, type TraktFakeOptions } from './world.js';

const ROUTES: Route[] = [...historyRoutes, ...watchedRoutes, ...ratingRoutes, ...scrobbleRoutes, ...searchRoutes];

export class TraktFake extends TraktInspector {
  readonly server: FakeServer;

  constructor(
    world: TraktWorld,
    private port = 0,
  ) {
    super(world);
    this.server = new FakeServer({ name: 'trakt', handle: (req) => this.handle(req), control: this.controlActions() });
  }

  /** The base URL clients are given (with the path prefix, if any). */
  get url(): string {
    return `${this.server.url}${this.world.pathPrefix}`;
  }

  get catalogue() {
    return this.world.catalogue;
  }

  async start(): Promise<string> {
    this.world.baseUrl = await this.server.start(this.port);
    return this.url;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  addUser(input: UserInput): TraktUser {
    return this.world.addUser(input);
  }

  user(username: string): TraktUser {
    return this.world.user(username);
  }

  addApp(clientId: string, clientSecret: string, name?: string): void {
    this.world.auth.addApp({ clientId, clientSecret, name });
  }

  /** A token pair for a user without the device flow (tests that start logged in). */
  issueToken(username = this.world.defaultUsername(), clientId = this.world.auth.apps.keys().next().value!): TokenResponse {
    this.world.user(username);
    return this.world.auth.issue(username, clientId);
  }

  /** The user a request's bearer token belongs to (undefined: none or not valid); for faults aimed at one account. */
  usernameOf(headers: { authorization?: string | string[] }): string | undefined {
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(headers.authorization ?? ''))?.[1];
    const rec = bearer ? this.world.auth.authenticate(bearer) : undefined;
    return rec && typeof rec === 'object' ? rec.username : undefined;
  }

  /** Approves a pending device code (the newest one when none is named) for a user (default: the first). */
  approveDevice(userCode?: string, username = this.world.defaultUsername()): boolean {
    this.world.user(username); // throws for an unknown account rather than minting a dead token
    const code = userCode ?? this.world.auth.pendingDeviceCodes().at(-1)?.userCode;
    return !!code && this.world.auth.decide(code, 'approved', username);
  }

  denyDevice(userCode?: string): boolean {
    const code = userCode ?? this.world.auth.pendingDeviceCodes().at(-1)?.userCode;
    return !!code && this.world.auth.decide(code, 'denied');
  }

  pendingDeviceCodes(): Array<{ userCode: string; expiresAt: string }> {
    return this.world.auth.pendingDeviceCodes().map((d) => ({ userCode: d.userCode, expiresAt: toIso(d.expiresAt) }));
  }

  /** Expires access tokens now (all, or one user's); refresh tokens keep working. Returns how many. */
  expireAccessTokens(username?: string): number {
    return this.world.auth.expire(username);
  }

  /** Replaces the rate-limit settings (false = off) and forgets current counts and lockouts. */
  setRateLimits(cfg: Partial<RateLimitConfig> | false): void {
    this.world.limiter.cfg = limitConfig(cfg);
    this.world.limiter.reset();
  }

  /** Lifts every lockout and empties the windows (the 429 tally stays). */
  resetLimits(): void {
    this.world.limiter.reset();
  }

  /** 423 switch: every authenticated call of the user answers "locked" (null lifts it). */
  setLocked(username: string, locked: { deactivated?: boolean } | null): void {
    this.world.user(username).locked = locked ? { deactivated: !!locked.deactivated } : null;
  }

  /** 420 switch: adds to history, ratings and scrobbles answer "account limit exceeded". */
  setAccountLimit(username: string, limit: number | null): void {
    this.world.user(username).accountLimit = limit;
  }

  /** 426 switch: paths under `prefix` need a VIP user. */
  setVipOnly(prefix: string, on = true): void {
    if (on) this.world.vipOnly.add(prefix);
    else this.world.vipOnly.delete(prefix);
  }

  setScrobbleWindow(seconds: number): void {
    this.world.scrobbleWindowSec = seconds;
  }

  private handle(raw: FakeRequest): FakeResponse {
    const { world } = this;
    if (!hasUserAgent(raw, world.blockDefaultUserAgent)) return cloudflareBlock();
    const prefix = world.pathPrefix;
    if (prefix && !raw.path.startsWith(`${prefix}/`)) return { status: 404, body: '' };
    const req = prefix ? { ...raw, path: raw.path.slice(prefix.length) } : raw;
    if (req.path.startsWith('/oauth/') || req.path === '/activate') {
      world.count(`${req.method} ${req.path}`);
      return handleOauth(world, req) ?? { status: 405, body: '' };
    }
    const refused = checkApp(world, req);
    if (refused) return refused;
    let route: Route | undefined;
    let params: string[] = [];
    let pathKnown = false;
    for (const r of ROUTES) {
      const m = r.pattern.exec(req.path);
      if (!m) continue;
      pathKnown = true;
      if (r.method === req.method) {
        route = r;
        params = m.slice(1);
        break;
      }
    }
    if (!route) return { status: pathKnown ? 405 : 404, body: '' };
    world.count(`${req.method} ${route.kind}`);
    const admitted = admit(world, req, route);
    if ('status' in admitted) return admitted;
    const ctx: Ctx = { world, req, params, user: admitted.user };
    return route.handler(ctx);
  }

  private controlActions(): Record<string, (body: any) => unknown> {
    return {
      'approve-device': (b) => ({ ok: this.approveDevice(b.userCode, b.username ?? undefined) }),
      'deny-device': (b) => ({ ok: this.denyDevice(b.userCode) }),
      'pending-devices': () => this.pendingDeviceCodes(),
      'expire-tokens': (b) => ({ expired: this.expireAccessTokens(b.username) }),
      'issue-token': (b) => this.issueToken(b.username ?? undefined),
      'reset-limits': () => this.resetLimits(),
      'rate-limits': (b) => this.setRateLimits(b.enabled === false ? false : b),
      'account-switches': (b) => {
        if ('locked' in b) this.setLocked(b.username, b.locked ? { deactivated: b.deactivated } : null);
        if ('accountLimit' in b) this.setAccountLimit(b.username, b.accountLimit);
        return { ok: true };
      },
      stats: () => this.stats(),
      plays: (b) => this.plays(b.username ?? this.world.defaultUsername()),
    };
  }
}

export async function startTraktFake(options: TraktFakeOptions = {}): Promise<TraktFake> {
  const fake = new TraktFake(new TraktWorld(options), options.port);
  await fake.start();
  return fake;
}
