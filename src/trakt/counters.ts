/**
 * What the Trakt clients did: requests by method and status, 429s, retries, token
 * refreshes. One object per registry (tests read it); the same numbers feed /metrics.
 */
import { metrics } from '../metrics/registry.js';

const requestsTotal = metrics.counter('pts_trakt_requests_total', 'Trakt API requests, by method and HTTP status (0 = no answer).');
const rateLimitedTotal = metrics.counter('pts_trakt_rate_limited_total', 'Trakt answers 429 (each one is a fault: budgets should prevent them).');
const refreshesTotal = metrics.counter('pts_trakt_token_refreshes_total', 'Trakt token refreshes, by result.');

export class TraktCounters {
  /** Keyed "GET 200", "POST 201", "GET 0" (network error or timeout). */
  readonly requests = new Map<string, number>();
  rateLimited = 0;
  retries = 0;
  refreshes = 0;
  refreshFailures = 0;

  request(method: string, status: number): void {
    const key = `${method} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    requestsTotal.inc({ method, status });
    if (status === 429) {
      this.rateLimited++;
      rateLimitedTotal.inc();
    }
  }

  refresh(ok: boolean): void {
    if (ok) this.refreshes++;
    else this.refreshFailures++;
    refreshesTotal.inc({ result: ok ? 'ok' : 'refused' });
  }

  /** Requests counted for one method (any status). */
  total(method?: string): number {
    let n = 0;
    for (const [k, v] of this.requests) if (!method || k.startsWith(`${method} `)) n += v;
    return n;
  }
}
