/**
 * Trakt's rate limits (API.md A.3, F): per user 1 write per second and 1,000 GETs per 5 minutes,
 * per app 1,000 unauthenticated GETs per 5 minutes; a tripped limit locks every call of that
 * user (or app) for 5 minutes. Sliding windows (a ring of the last `limit` call times), so a
 * burst straddling a window edge is caught the way a strict server would catch it.
 */
import type { Clock } from './clock.js';
import { toIso } from './clock.js';

export interface RateLimitConfig {
  enabled: boolean;
  getLimit: number;
  getPeriodSec: number;
  writeLimit: number;
  writePeriodSec: number;
  /** How long every call is refused after a limit trips; 0 = only the window itself. */
  lockoutSec: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  enabled: true,
  getLimit: 1000,
  getPeriodSec: 300,
  writeLimit: 1,
  writePeriodSec: 1,
  lockoutSec: 300,
};

export type LimitName = 'AUTHED_API_GET_LIMIT' | 'AUTHED_API_POST_LIMIT' | 'UNAUTHED_API_GET_LIMIT';

export interface Limited {
  status: 429;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

class Window {
  private times: number[] = [];
  private next = 0;

  /** Records a call if fewer than `limit` happened in the last `periodMs`; else the time a slot frees. */
  take(now: number, limit: number, periodMs: number): true | number {
    if (this.times.length < limit) {
      this.times.push(now);
      return true;
    }
    const oldest = this.times[this.next];
    if (now - oldest < periodMs) return oldest + periodMs;
    this.times[this.next] = now;
    this.next = (this.next + 1) % limit;
    return true;
  }
}

interface Subject {
  get: Window;
  write: Window;
  lockedUntil: number;
  lockedBy: LimitName;
}

export class RateLimiter {
  private subjects = new Map<string, Subject>();
  /** 429s answered, per subject ("user:<name>" or "app:<client_id>"). */
  readonly limited = new Map<string, number>();

  constructor(
    private now: Clock,
    public cfg: RateLimitConfig,
  ) {}

  get total429(): number {
    let n = 0;
    for (const v of this.limited.values()) n += v;
    return n;
  }

  /** Counts one call; returns the 429 answer when it is over a limit or inside a lockout. */
  check(subject: string, authed: boolean, write: boolean): Limited | null {
    if (!this.cfg.enabled) return null;
    const now = this.now();
    let s = this.subjects.get(subject);
    if (!s) this.subjects.set(subject, (s = { get: new Window(), write: new Window(), lockedUntil: 0, lockedBy: 'AUTHED_API_GET_LIMIT' }));
    const name: LimitName = write ? 'AUTHED_API_POST_LIMIT' : authed ? 'AUTHED_API_GET_LIMIT' : 'UNAUTHED_API_GET_LIMIT';
    const [limit, periodSec] = write ? [this.cfg.writeLimit, this.cfg.writePeriodSec] : [this.cfg.getLimit, this.cfg.getPeriodSec];
    if (s.lockedUntil > now) return this.refuse(subject, s.lockedBy, limit, periodSec, s.lockedUntil, now);
    const taken = (write ? s.write : s.get).take(now, limit, periodSec * 1000);
    if (taken === true) return null;
    let until = taken;
    if (this.cfg.lockoutSec > 0) {
      s.lockedUntil = until = now + this.cfg.lockoutSec * 1000;
      s.lockedBy = name;
    }
    return this.refuse(subject, name, limit, periodSec, until, now);
  }

  private refuse(subject: string, name: LimitName, limit: number, period: number, until: number, now: number): Limited {
    this.limited.set(subject, (this.limited.get(subject) ?? 0) + 1);
    const xRatelimit = { name, period, limit, remaining: 0, until: toIso(until + 999) };
    return {
      status: 429,
      headers: {
        'retry-after': String(Math.max(1, Math.ceil((until - now) / 1000))),
        'x-ratelimit': JSON.stringify(xRatelimit),
      },
      body: { error: 'Rate Limit Exceeded' },
    };
  }

  /** Forgets counts and lockouts (all, or one subject); the 429 tally stays. */
  reset(subject?: string): void {
    if (subject === undefined) this.subjects.clear();
    else this.subjects.delete(subject);
  }
}
