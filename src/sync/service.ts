/**
 * The sync as the service runs it: one SyncService per process (ports + live progress),
 * registered in the job registry as the `sync` job (schedule from the sync settings).
 * A scheduled run that finds one running (here or in another process) is skipped and logged.
 */
import { readLease } from '../db/repos/locks.js';
import { lastRuns } from '../db/repos/sync-runs.js';
import type { SyncRunRow } from '../db/tables/sync.js';
import { describeSchedule, JobRegistry } from '../jobs/registry.js';
import type { AppDeps } from '../web/env.js';
import type { SyncCardView } from '../../views/runs/sync-card.js';
import { RunPublisher } from './live.js';
import type { SyncPorts } from './ports.js';
import { startSyncRun, SyncBusyError, SYNC_LEASE, type RunnerOptions, type StartedRun, type StartOptions } from './run.js';
import { getSyncSettings } from './settings.js';
import { createSyncPorts } from './wiring.js';
import { historyService } from '../history/service.js';
import { createSyncPinger } from '../notify/sync-ping.js';

/** How long a run waits for the history mirror before planning with what it has. */
const HISTORY_WAIT_MS = 60_000;

export const SYNC_JOB = 'sync';

export class SyncService {
  readonly publisher: RunPublisher;
  private current?: StartedRun;

  constructor(
    private deps: AppDeps,
    private ports: SyncPorts,
    private runnerOptions: RunnerOptions = {},
  ) {
    this.publisher = new RunPublisher(deps, (run) => this.cardView(run.status === 'running' ? run : undefined));
  }

  /** Starts a run; throws SyncBusyError (a sentence) when one is running anywhere. */
  async start(start: StartOptions): Promise<StartedRun> {
    const started = await startSyncRun(this.deps, this.ports, start, {
      ...this.runnerOptions,
      onProgress: (run) => {
        void this.publisher.publish(run);
        if (run.status !== 'running') this.publisher.publishLate(run);
        this.runnerOptions.onProgress?.(run);
      },
    });
    this.current = started;
    void started.done.finally(() => {
      if (this.current === started) this.current = undefined;
    });
    return started;
  }

  /** Stops this process's run (if any) after its current batch and waits for it, bounded. */
  async stop(timeoutMs = 3000): Promise<void> {
    const run = this.current;
    if (!run) return;
    run.stop();
    await Promise.race([run.done.catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** True while a run holds the lease (in this process or another one). */
  async running(): Promise<boolean> {
    const lease = await readLease(this.deps.db, SYNC_LEASE);
    return !!lease && lease.expires_at > Date.now();
  }

  async cardView(running?: SyncRunRow, message?: string): Promise<SyncCardView> {
    const [latest] = await lastRuns(this.deps.db, 1);
    const info = await jobRegistry(this.deps).get(SYNC_JOB);
    const settings = await getSyncSettings(this.deps.db);
    return {
      running: running ?? (latest?.status === 'running' ? latest : undefined),
      last: latest?.status === 'running' ? undefined : latest,
      nextRun: info?.nextRun ?? null,
      schedule: describeSchedule(settings.schedule),
      message,
    };
  }
}

export function syncService(deps: AppDeps): SyncService {
  const pingUrl = deps.config.notify.syncPingUrl;
  deps.sync ??= new SyncService(deps, createSyncPorts(deps), {
    notifier: deps.notify,
    ping: pingUrl ? createSyncPinger({ url: pingUrl, log: deps.log }) : undefined,
    refreshHistory: (accountId) =>
      Promise.race([
        historyService(deps).refreshNow(accountId, 'auto'),
        new Promise((resolve) => setTimeout(resolve, HISTORY_WAIT_MS).unref()),
      ]),
  });
  return deps.sync;
}

/** The process's job registry, with the sync job registered. */
export function jobRegistry(deps: AppDeps): JobRegistry {
  if (deps.jobs) return deps.jobs;
  const jobs = new JobRegistry();
  jobs.register({
    name: SYNC_JOB,
    title: 'Reconciliation sync',
    schedule: async () => (await getSyncSettings(deps.db)).schedule,
    running: () => syncService(deps).running(),
    run: async (trigger) => {
      try {
        const started = await syncService(deps).start({ trigger });
        await started.done;
      } catch (err) {
        if (err instanceof SyncBusyError) {
          deps.log.info({ component: 'sync', trigger }, `${trigger === 'schedule' ? 'scheduled' : 'requested'} sync skipped: a sync is already running`);
          return;
        }
        deps.log.error({ component: 'sync', err: err instanceof Error ? err.message : String(err) }, 'the sync job failed to start');
      }
    },
  });
  deps.jobs = jobs;
  return jobs;
}
