/**
 * Trakt's per-user limits, spent instead of slept around: writes (POST/PUT/DELETE) at most
 * one a second, GETs under 1,000 per 5 minutes. A tripped limit locks every call for five
 * minutes, so staying under is the point; a Retry-After pauses every call of the account.
 */
import pThrottle from 'p-throttle';

export interface BudgetConfig {
  getLimit: number;
  getIntervalMs: number;
  writeLimit: number;
  writeIntervalMs: number;
}

/**
 * A margin under Trakt's numbers (1,000 GET / 300 s; 1 write / s). Writes are paced by when
 * they start here, Trakt counts when they arrive: a request that leaves late (a busy event
 * loop, network jitter) shortens the gap Trakt sees, and two writes under a second apart lock
 * the account for five minutes. 100 ms of margin (it was 50, and a loaded test machine tripped
 * the emulator's limit with it); a first sync stays within 1.2x of what the limit forces.
 */
export const TRAKT_BUDGETS: BudgetConfig = { getLimit: 900, getIntervalMs: 300_000, writeLimit: 1, writeIntervalMs: 1100 };

type Task = () => Promise<unknown>;

export class TraktBudgets {
  private readonly get: (task: Task) => Promise<unknown>;
  private readonly write: (task: Task) => Promise<unknown>;
  private pausedUntil = 0;

  constructor(
    readonly config: BudgetConfig = TRAKT_BUDGETS,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    // strict: no interval ever holds more than the limit (the windowed default could burst twice the limit across a boundary).
    this.get = pThrottle({ limit: config.getLimit, interval: config.getIntervalMs, strict: true })((task: Task) => task());
    this.write = pThrottle({ limit: config.writeLimit, interval: config.writeIntervalMs, strict: true })((task: Task) => task());
  }

  /** Runs `task` once its budget allows and no pause is in force. */
  async run<T>(method: string, task: () => Promise<T>): Promise<T> {
    await this.waitForPause();
    const lane = method === 'GET' ? this.get : this.write;
    return (await lane(async () => {
      await this.waitForPause(); // a 429 may have arrived while this call queued
      return task();
    })) as T;
  }

  /** Holds every call of this account for `ms` (Trakt's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  get pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  private async waitForPause(): Promise<void> {
    for (let i = 0; i < 100 && this.pausedForMs > 0; i++) await this.sleep(this.pausedForMs);
  }
}
