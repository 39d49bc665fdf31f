/**
 * Time for the Trakt emulator: an injectable clock (so tests cross the 5-minute and 1-hour
 * windows without sleeping) and Trakt's timestamp format.
 */

export type Clock = () => number; // epoch milliseconds

export interface ManualClock {
  now: Clock;
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock that only moves when told to. */
export function manualClock(startMs = Date.UTC(2026, 0, 15, 12, 0, 0)): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** Trakt stores whole seconds and prints them as `2014-09-01T09:10:11.000Z`. */
export function toIso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * Parses an ISO-8601 datetime or a bare `YYYY-MM-DD` (midnight UTC), the two forms clients
 * send for `watched_at`, `start_at`, `end_at`. Returns undefined when it is neither.
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  let text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z'; // no zone given: Trakt means UTC
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
