/**
 * Registered apps, OAuth tokens and device codes (API.md A.2). Refresh tokens are single-use:
 * a refresh rotates the pair and kills the old access token, so a client that spends the same
 * refresh token twice, or keeps the old access token, finds out here.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';

export interface TraktApp {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUri: string;
}

export interface TokenRecord {
  accessToken: string;
  refreshToken: string;
  username: string;
  clientId: string;
  createdAt: number; // epoch ms
  expiresAt: number;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
  created_at: number; // unix seconds
}

export type DeviceState = 'pending' | 'approved' | 'denied' | 'used';

export interface DeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  createdAt: number;
  expiresAt: number;
  interval: number; // seconds
  lastPollAt: number | null;
  state: DeviceState;
  username?: string;
}

export interface AuthConfig {
  tokenLifetimeSec: number;
  deviceExpiresInSec: number;
  deviceIntervalSec: number;
}

/** Device-token poll outcome: the HTTP status Trakt documents for it. */
export type PollResult = { status: 200; token: TokenResponse } | { status: 400 | 404 | 409 | 410 | 418 | 429 };

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export class AuthStore {
  readonly apps = new Map<string, TraktApp>();
  private byAccess = new Map<string, TokenRecord>();
  private byRefresh = new Map<string, TokenRecord>();
  private devices = new Map<string, DeviceCode>();
  private byUserCode = new Map<string, DeviceCode>();

  constructor(
    private now: Clock,
    readonly cfg: AuthConfig,
  ) {}

  addApp(app: Partial<TraktApp> & { clientId: string; clientSecret: string }): TraktApp {
    const full: TraktApp = { name: 'Test app', redirectUri: 'urn:ietf:wg:oauth:2.0:oob', ...app };
    this.apps.set(full.clientId, full);
    return full;
  }

  /** The app if the id and secret both match. */
  client(clientId: unknown, clientSecret: unknown): TraktApp | undefined {
    const app = this.apps.get(String(clientId));
    return app && app.clientSecret === clientSecret ? app : undefined;
  }

  issue(username: string, clientId: string): TokenResponse {
    const now = this.now();
    const rec: TokenRecord = {
      accessToken: hex(32),
      refreshToken: hex(32),
      username,
      clientId,
      createdAt: now,
      expiresAt: now + this.cfg.tokenLifetimeSec * 1000,
    };
    this.byAccess.set(rec.accessToken, rec);
    this.byRefresh.set(rec.refreshToken, rec);
    return {
      access_token: rec.accessToken,
      token_type: 'bearer',
      expires_in: this.cfg.tokenLifetimeSec,
      refresh_token: rec.refreshToken,
      scope: 'public',
      created_at: Math.floor(now / 1000),
    };
  }

  /** The live token record, 'expired', or 'invalid' (unknown or revoked). */
  authenticate(accessToken: string): TokenRecord | 'expired' | 'invalid' {
    const rec = this.byAccess.get(accessToken);
    if (!rec) return 'invalid';
    return rec.expiresAt <= this.now() ? 'expired' : rec;
  }

  /** Spends a refresh token: a new pair, or undefined when it is unknown, used or another app's. */
  refresh(refreshToken: unknown, clientId: string): TokenResponse | undefined {
    const rec = this.byRefresh.get(String(refreshToken));
    if (!rec || rec.clientId !== clientId) return undefined;
    this.drop(rec);
    return this.issue(rec.username, rec.clientId);
  }

  /** Revokes an access token (or a refresh token) and its partner. Unknown tokens are ignored (RFC 7009). */
  revoke(token: unknown): void {
    const rec = this.byAccess.get(String(token)) ?? this.byRefresh.get(String(token));
    if (rec) this.drop(rec);
  }

  /** Makes access tokens expire now (all, or one user's); returns how many. Refresh tokens stay valid. */
  expire(username?: string): number {
    let n = 0;
    const now = this.now();
    for (const rec of this.byAccess.values()) {
      if (username === undefined || rec.username === username) {
        rec.expiresAt = Math.min(rec.expiresAt, now);
        n += 1;
      }
    }
    return n;
  }

  tokensOf(username: string): TokenRecord[] {
    return [...this.byAccess.values()].filter((r) => r.username === username);
  }

  private drop(rec: TokenRecord): void {
    this.byAccess.delete(rec.accessToken);
    this.byRefresh.delete(rec.refreshToken);
  }

  newDeviceCode(clientId: string): DeviceCode {
    let userCode = hex(4).toUpperCase();
    while (this.byUserCode.has(userCode)) userCode = hex(4).toUpperCase();
    const now = this.now();
    const code: DeviceCode = {
      deviceCode: hex(32),
      userCode,
      clientId,
      createdAt: now,
      expiresAt: now + this.cfg.deviceExpiresInSec * 1000,
      interval: this.cfg.deviceIntervalSec,
      lastPollAt: null,
      state: 'pending',
    };
    this.devices.set(code.deviceCode, code);
    this.byUserCode.set(userCode, code);
    return code;
  }

  deviceByUserCode(userCode: string): DeviceCode | undefined {
    return this.byUserCode.get(userCode.trim().toUpperCase());
  }

  pendingDeviceCodes(): DeviceCode[] {
    const now = this.now();
    return [...this.devices.values()].filter((d) => d.state === 'pending' && d.expiresAt > now);
  }

  /** Approves or denies a pending, unexpired code. False when there is no such code. */
  decide(userCode: string, decision: 'approved' | 'denied', username?: string): boolean {
    const code = this.deviceByUserCode(userCode);
    if (!code || code.state !== 'pending' || code.expiresAt <= this.now()) return false;
    code.state = decision;
    code.username = username;
    return true;
  }

  /** One poll of /oauth/device/token, in Trakt's order of checks. */
  poll(deviceCode: unknown, clientId: string): PollResult {
    const code = this.devices.get(String(deviceCode));
    const now = this.now();
    if (!code || code.clientId !== clientId) return { status: 404 };
    if (code.state === 'used') return { status: 409 };
    if (code.state === 'denied') return { status: 418 };
    if (code.expiresAt <= now) return { status: 410 };
    const tooFast = code.lastPollAt !== null && now - code.lastPollAt < code.interval * 1000;
    code.lastPollAt = now;
    if (tooFast) return { status: 429 };
    if (code.state === 'pending') return { status: 400 };
    code.state = 'used';
    return { status: 200, token: this.issue(code.username!, code.clientId) };
  }
}
