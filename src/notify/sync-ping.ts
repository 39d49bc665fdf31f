/**
 * SYNC_PING_URL: healthchecks-style pings for scheduled runs: `{url}/start` when one starts,
 * `{url}` when it succeeds, `{url}/fail` when it fails or waits for approval. Sent in the
 * background, in order per run, with a time-out and a few retries: a slow pinger never slows
 * the run, and a lost ping only makes the checker report a missed run.
 */
import type { Logger } from '../log/logger.js';
import type { NotifyFetch } from './senders.js';

export interface SyncPingerOptions {
  url: string;
  log: Logger;
  fetch?: NotifyFetch;
  timeoutMs?: number;
  /** Retries after the first try (default 2), spaced retryDelayMs apart. */
  retries?: number;
  retryDelayMs?: number;
}

export interface SyncPinger {
  started(runId: number): void;
  finished(runId: number, status: string): void;
  /** Waits for pings still being sent (shutdown, tests). */
  settled(): Promise<void>;
}

/** What may be shown of a ping URL: healthchecks' check UUID is its secret. */
export function maskPingUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/***`;
  } catch {
    return '***';
  }
}

export function createSyncPinger(o: SyncPingerOptions): SyncPinger {
  const base = o.url.replace(/\/+$/, '');
  const shown = maskPingUrl(base);
  let chain: Promise<void> = Promise.resolve();
  const ping = (suffix: string, runId: number) => {
    chain = chain.then(() => send(suffix, runId));
  };
  async function send(suffix: string, runId: number): Promise<void> {
    const tries = 1 + (o.retries ?? 2);
    let reason = '';
    for (let i = 0; i < tries; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 5_000).unref());
      try {
        const res = await (o.fetch ?? fetch)(`${base}${suffix}`, { method: 'GET', signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
        await res.body?.cancel();
        if (res.ok) return;
        reason = `answered ${res.status}`;
      } catch (err) {
        reason = (err as Error).name === 'TimeoutError' ? 'no answer in time' : `could not be reached (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`;
      }
    }
    o.log.warn({ component: 'notify', runId, ping: `${shown}${suffix}`, reason }, `the sync ping ${shown}${suffix} failed (${reason}); check SYNC_PING_URL`);
  }
  return {
    started: (runId) => ping('/start', runId),
    finished: (runId, status) => ping(status === 'succeeded' || status === 'partial' ? '' : '/fail', runId),
    settled: () => chain,
  };
}
