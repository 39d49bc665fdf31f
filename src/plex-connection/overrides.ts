/** Test and tuning hooks for the Plex clients PlexConnection builds (fetch, timeouts, retries). */
import type { FetchLike, PlexRetry } from '../plex/http.js';

export interface PlexOverrides {
  fetch?: FetchLike;
  /** Connection tests (`/identity`): 5 s unless a test needs it shorter. */
  connectTimeoutMs?: number;
  /** Every other request: 15 s. */
  timeoutMs?: number;
  retry?: PlexRetry;
  sleep?: (ms: number) => Promise<void>;
}
