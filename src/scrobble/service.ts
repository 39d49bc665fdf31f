/**
 * Starts webhook processing for a running service: the worker over its ports (the real
 * ones from src/context.ts unless a test passes its own). It announces changed events and
 * plays that reached Trakt on the live bus; src/web renders the rows, the history mirror
 * refreshes. The web layer wakes the worker after each stored webhook.
 */
import type { Core } from '../core.js';
import { reportQueueDepthOf } from './metrics.js';
import type { ScrobblePorts } from './ports.js';
import { notifyHistory } from './history-notify.js';
import { EventWorker, type WorkerOptions } from './worker.js';
import type { Notifier } from '../notify/notifier.js';

export interface ScrobbleOptions {
  ports?: ScrobblePorts;
  worker?: WorkerOptions;
}

export interface ScrobbleService {
  worker: EventWorker;
  ports: ScrobblePorts;
  stop(): Promise<void>;
}

export type ScrobbleDeps = Pick<Core, 'db' | 'sqlite' | 'log' | 'bus'> & { notifier?: Notifier };

export async function startScrobbling(deps: ScrobbleDeps, ports: ScrobblePorts, workerOptions?: WorkerOptions): Promise<ScrobbleService> {
  reportQueueDepthOf(deps.sqlite);
  const worker = new EventWorker(
    {
      db: deps.db,
      log: deps.log,
      ports,
      onChange: (id) => deps.bus.emit('webhook.changed', { id }),
      onPlay: (accountId) => notifyHistory(deps, accountId),
      notifier: deps.notifier,
    },
    workerOptions,
  );
  // Not awaited: settling old writes may wait on Trakt, and the server should listen meanwhile.
  const started = worker.start().catch((err) => deps.log.error({ component: 'scrobble', err }, 'the event worker did not start'));
  return {
    worker,
    ports,
    async stop() {
      await started;
      await worker.stop();
    },
  };
}
