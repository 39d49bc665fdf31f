/**
 * Starts webhook processing for a running service: wires the worker to the ports (real
 * clients unless a test passes its own), wakes it from the receiver, renders changed
 * rows onto the live bus, and tells the history mirror about new plays.
 */
import type { AppDeps } from '../web/env.js';
import { publishEventChange } from '../web/events-live.js';
import { reportQueueDepthOf } from './metrics.js';
import type { ScrobblePorts } from './ports.js';
import { notifyHistory } from './history-notify.js';
import { createScrobblePorts } from './wiring.js';
import { EventWorker, type WorkerOptions } from './worker.js';

export interface ScrobbleOptions {
  ports?: ScrobblePorts;
  worker?: WorkerOptions;
}

export interface ScrobbleService {
  worker: EventWorker;
  ports: ScrobblePorts;
  stop(): Promise<void>;
}

export async function startScrobbling(deps: AppDeps, opts: ScrobbleOptions = {}): Promise<ScrobbleService> {
  const ports = opts.ports ?? createScrobblePorts(deps);
  reportQueueDepthOf(deps.sqlite);
  const worker = new EventWorker(
    {
      db: deps.db,
      log: deps.log,
      ports,
      onChange: (id) => publishEventChange(deps, id),
      onPlay: (accountId) => notifyHistory(deps, accountId),
      notifier: deps.notify,
    },
    opts.worker,
  );
  deps.webhookQueue = worker;
  // Not awaited: settling old writes may wait on Trakt, and the server should listen meanwhile.
  const started = worker.start().catch((err) => deps.log.error({ component: 'scrobble', err }, 'the event worker did not start'));
  return {
    worker,
    ports,
    async stop() {
      deps.webhookQueue = undefined;
      await started;
      await worker.stop();
    },
  };
}
