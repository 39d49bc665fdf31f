/**
 * The sync as the service runs it: one SyncService per process (built by src/context.ts),
 * registered in the job registry as the `sync` job (schedule from the sync settings).
 * A scheduled run that finds one running (here or in another process) is skipped and logged.
 * Each change of a run is announced on the live bus (`sync.progress`); src/web renders it.
 */
import type { Core } from '../core.js';
import { readLease } from '../db/repos/locks.js';
import type { JobRegistry } from '../jobs/registry.js';
import type { SyncPorts } from './ports.js';
import { startSyncRun, SyncBusyError, SYNC_LEASE, type RunnerOptions, type StartedRun, type StartOptions } from './run.js';
import { getSyncSettings } from './settings.js';

export const SYNC_JOB = 'sync';

export type SyncDeps = Pick<Core, 'db' | 'sqlite' | 'log' | 'bus'>;

export class SyncService {
  private current?: StartedRun;

  constructor(
    private readonly deps: SyncDeps,
    private readonly ports: SyncPorts,
    private readonly runnerOptions: RunnerOptions = {},
  ) {}

  /** Starts a run; throws SyncBusyError (a sentence) when one is running anywhere. */
  async start(start: StartOptions): Promise<StartedRun> {
    const started = await startSyncRun(this.deps, this.ports, start, {
      ...this.runnerOptions,
      onProgress: (run) => {
        this.deps.bus.emit('sync.progress', run);
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
}

/** Registers the `sync` job: its schedule from the sync settings, a run through `sync`. */
export function registerSyncJob(jobs: JobRegistry, sync: SyncService, deps: Pick<Core, 'db' | 'log'>): void {
  jobs.register({
    name: SYNC_JOB,
    title: 'Reconciliation sync',
    schedule: async () => (await getSyncSettings(deps.db)).schedule,
    running: () => sync.running(),
    run: async (trigger) => {
      try {
        const started = await sync.start({ trigger });
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
}
