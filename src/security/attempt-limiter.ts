/**
 * Guessing a secret (the admin password, the setup code) from one address: at most one
 * guess in flight, a growing wait after a few wrong ones, and a lockout once `perWindow`
 * wrong guesses fall within `windowMs`. Each guess is counted as wrong BEFORE the wait and
 * the check, and only un-counted when it turns out right, so a burst of parallel guesses
 * cannot all pass on one old count. Memory is bounded: past `maxKeys` addresses the one
 * seen longest ago goes (never one mid-guess), not everyone's count at once.
 */

export interface LimiterOptions {
  /** Wrong guesses allowed in a window before the address is locked out until the window ends. */
  perWindow: number;
  windowMs: number;
  /** Wrong guesses in a row that are answered without waiting. */
  freeAttempts: number;
  /** First wait after the free attempts; doubles with each further wrong guess, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  maxKeys: number;
  now?: () => number;
}

export const DEFAULT_LIMITS: LimiterOptions = {
  perWindow: 5,
  windowMs: 15 * 60_000,
  freeAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxKeys: 10_000,
};

interface Entry {
  /** When each counted wrong guess happened, oldest first (only those within the window). */
  failures: number[];
  busy: boolean;
}

export type Refusal = { refused: 'busy' | 'locked'; retryAfterMs: number };

export interface Attempt {
  refused?: undefined;
  /** How long to wait before checking this guess. */
  delayMs: number;
  /** Wrong guesses still allowed in the window if this one is wrong too (0: this one locks the address out). */
  remaining: number;
  /** The guess was right: its count is taken back and the address starts afresh. */
  succeeded(): void;
  /** The check is over (right or wrong): the next guess from this address may start. */
  done(): void;
}

export class AttemptLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: LimiterOptions;
  private readonly now: () => number;

  constructor(opts: Partial<LimiterOptions> = {}) {
    this.opts = { ...DEFAULT_LIMITS, ...opts };
    this.now = this.opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Starts a guess from `key`, or says why it may not start now. */
  begin(key: string): Attempt | Refusal {
    const now = this.now();
    const entry = this.touch(key, now);
    const { perWindow, windowMs } = this.opts;
    if (entry.failures.length >= perWindow) {
      return { refused: 'locked', retryAfterMs: entry.failures[entry.failures.length - perWindow]! + windowMs - now };
    }
    if (entry.busy) return { refused: 'busy', retryAfterMs: 1000 };
    const before = entry.failures.length;
    const at = now;
    entry.failures.push(at); // counted as wrong until proven right
    entry.busy = true;
    const over = before - this.opts.freeAttempts;
    const delayMs = over < 0 ? 0 : Math.min(this.opts.baseDelayMs * 2 ** over, this.opts.maxDelayMs);
    return {
      delayMs,
      remaining: perWindow - entry.failures.length,
      succeeded: () => {
        this.entries.delete(key);
      },
      done: () => {
        const e = this.entries.get(key);
        if (e) e.busy = false;
      },
    };
  }

  /** The entry for `key` with lapsed failures dropped, moved to the most-recent end; evicts the stalest past maxKeys. */
  private touch(key: string, now: number): Entry {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      const from = now - this.opts.windowMs;
      while (entry.failures.length && entry.failures[0]! <= from) entry.failures.shift();
    } else {
      entry = { failures: [], busy: false };
    }
    this.entries.set(key, entry);
    if (this.entries.size > this.opts.maxKeys) this.evict(now);
    return entry;
  }

  private evict(now: number): void {
    const from = now - this.opts.windowMs;
    // Map order is least recently seen first: drop lapsed entries, then the stalest idle one.
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.opts.maxKeys) return;
      if (!e.busy && (e.failures.length === 0 || e.failures[e.failures.length - 1]! <= from)) this.entries.delete(k);
    }
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.opts.maxKeys) return;
      if (!e.busy) this.entries.delete(k);
    }
  }
}

/** "3 minutes", "40 seconds": how long a lockout still lasts, for the sentence the user reads. */
export function waitPhrase(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 90) return `${s} seconds`;
  return `${Math.ceil(s / 60)} minutes`;
}
