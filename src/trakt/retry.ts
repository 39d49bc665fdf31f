/** The retry policy every Trakt call shares: which answers are worth another try, and how long to wait. */

export interface RetryPolicy {
  /** Tries in all (first one included) for network errors, timeouts, 5xx and 429. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429 asking to wait longer than this is given up on (and reported) rather than waited out. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 6 * 60_000,
};

/** 5xx (including Cloudflare's 520-522) and 408 mean "not processed, try later". */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408;
}

/** Exponential backoff with jitter in [50 %, 100 %] of the step, so clients do not retry in lockstep. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}
