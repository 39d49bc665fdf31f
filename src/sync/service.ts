/**
 * The sync as the service runs it: one SyncService per process (built by src/context.ts),
 * registered in the job registry as the `sync` job (schedule from the sync settings).
 * A scheduled run that finds one running (here or in another process) is skipped and logged.
 * Each change of a run is announced on the live bus (`sync.progress`); src/web renders it.
 */
import type { Core } from '../core.js';
import { readLease } from '../db/repos/locks.js';
import { discardHeldRun, heldRun } from '../db/repos/sync-runs.js';
import type { SyncTrigger } from '../db/tables/sync.js';
import type { JobRegistry } from '../jobs/registry.js';
import type { SyncPorts } from './ports.js';
import { approveHeldRun, startSyncRun, SyncBusyError, SYNC_LEASE, type RunnerOptions, type StartedRun, type StartOptions } from './run.js';
import { getSyncSettings } from './settings.js';
import { startUndoRun } from '../undo/run-undo.js';
import type { UndoTarget } from '../undo/select.js';

export const SYNC_JOB = 'sync';

export type SyncDeps = Pick<Core, 'db' | 'sqlite' | 'log' | 'bus'>;

export class SyncService {
  private current?: StartedRun;

  constructor(
    private readonly deps: SyncDeps,
    private readonly ports: SyncPorts,
    private readonly runnerOptions: RunnerOptions = {},
  ) {}

  private options(): RunnerOptions {
    return {
      ...this.runnerOptions,
      onProgress: (run) => {
        this.deps.bus.emit('sync.progress', run);
        this.runnerOptions.onProgress?.(run);
      },
    };
  }

  /** Starts a run; throws SyncBusyError (a sentence) when one is running anywhere. */
  async start(start: StartOptions): Promise<StartedRun> {
    return this.track(await startSyncRun(this.deps, this.ports, start, this.options()));
  }

  /** Approves a run the guard held: it writes its plan. SyncBusyError while a run is going; NotHeldError when it is not waiting. */
  async approve(runId: number): Promise<StartedRun> {
    return this.track(await approveHeldRun(this.deps, this.ports, runId, this.options()));
  }

  /** Undoes a run or a webhook event as a run of its own. SyncBusyError while a run is going; UndoRefusedError (a sentence) when it cannot be undone. */
  async undo(target: UndoTarget, trigger: SyncTrigger): Promise<StartedRun> {
    return this.track(await startUndoRun(this.deps, this.ports, target, trigger, this.options()));
  }

  /** Discards a held run (nothing is written); false when it was not waiting. */
  async discard(runId: number): Promise<boolean> {
    const done = await discardHeldRun(this.deps.db, runId, 'Discarded: nothing was written.');
    if (done) this.deps.log.info({ component: 'sync', runId }, `sync run ${runId} discarded: nothing was written`);
    return done;
  }

  private track(started: StartedRun): StartedRun {
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
      // A held run waits for the user; scheduled runs do not pile up more of them behind it.
      const waiting = trigger === 'schedule' ? await heldRun(deps.db) : undefined;
      if (waiting) {
        deps.log.info({ component: 'sync', trigger, runId: waiting.id }, `scheduled sync skipped: run ${waiting.id} waits for approval (approve or discard it on its page)`);
        return;
      }
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
