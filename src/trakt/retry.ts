/** The retry policy every Trakt call shares: which answers are worth another try, and how long to wait. */

export interface RetryPolicy {
  /** Tries in all (first one included) for 429, and for network errors, timeouts and 5xx to reads. */
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

/**
 * Which statuses are worth another try is `isUnknownStatus` (src/ledger/write-answer.ts): any 5xx and
 * 408. A read is tried again; a write never is (it may have been carried out), see TraktTransport.send.
 */

/** Exponential backoff with jitter in [50 %, 100 %] of the step, so clients do not retry in lockstep. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}
