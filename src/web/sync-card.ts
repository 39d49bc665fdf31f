/** What the dashboard's sync card shows: the running or last run, the schedule, the next run. */
import { heldRun, lastRuns } from '../db/repos/sync-runs.js';
import { countUnmatched } from '../db/repos/sync-unmatched.js';
import type { SyncRunRow } from '../db/tables/sync.js';
import { describeSchedule } from '../jobs/registry.js';
import { SYNC_JOB } from '../sync/service.js';
import { getSyncSettings } from '../sync/settings.js';
import type { SyncCardView } from '../../views/runs/sync-card.js';
import type { AppDeps } from './env.js';

export async function syncCardView(deps: Pick<AppDeps, 'db' | 'jobs'>, running?: SyncRunRow, message?: string): Promise<SyncCardView> {
  const [latest] = await lastRuns(deps.db, 1);
  const info = await deps.jobs.get(SYNC_JOB);
  const settings = await getSyncSettings(deps.db);
  return {
    running: running ?? (latest?.status === 'running' ? latest : undefined),
    last: latest?.status === 'running' ? undefined : latest,
    nextRun: info?.nextRun ?? null,
    schedule: describeSchedule(settings.schedule),
    message,
    // Only shown with the last finished run (not while one runs: the card is refreshed often then).
    unmatched: latest && latest.status !== 'running' && !running ? await countUnmatched(deps.db) : undefined,
    waiting: await heldRun(deps.db),
  };
}
