/** The Sync section of the settings page: save directions, ratings and schedule; start a dry run. */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { cronFor } from '../jobs/registry.js';
import { SyncBusyError } from '../sync/run.js';
import { SYNC_JOB } from '../sync/service.js';
import { getSyncSettings, saveSyncSettings, type SyncSchedule, type SyncSettings } from '../sync/settings.js';
import { SyncSection, type SyncSectionView } from '../../views/settings/sync-settings.js';
import type { AppEnv } from './env.js';
import { readForm } from './form.js';
import { answerSection } from './settings/render.js';

async function view(c: Context<AppEnv>, extra: Partial<SyncSectionView> = {}): Promise<SyncSectionView> {
  const { deps } = c.var;
  return { csrf: c.var.csrf, settings: await getSyncSettings(deps.db), job: await deps.jobs.get(SYNC_JOB), ...extra };
}

export async function renderSyncSection(c: Context<AppEnv>) {
  return <SyncSection view={await view(c)} />;
}

/** The form as settings, or a sentence saying what to fix. */
export function parseSyncForm(form: Record<string, string>): { settings?: Omit<SyncSettings, 'schedule'> & { schedule: SyncSchedule }; error?: string } {
  let schedule: SyncSchedule;
  const mode = form.scheduleMode ?? 'off';
  if (mode === 'interval') {
    const hours = Number(form.hours);
    if (!Number.isInteger(hours) || hours < 1 || hours > 168) return { error: 'Hours must be a whole number from 1 to 168.' };
    schedule = { mode: 'interval', hours };
  } else if (mode === 'cron') {
    const cron = (form.cron ?? '').trim();
    if (!cron) return { error: 'Enter a cron expression, e.g. "0 3 * * *" for 03:00 every day, or pick another schedule.' };
    if (cron.length > 100) return { error: 'That cron expression is too long (100 characters at most).' };
    schedule = { mode: 'cron', cron };
    try {
      cronFor(schedule)?.stop();
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  } else if (mode === 'off') {
    schedule = { mode: 'off' };
  } else {
    return { error: 'Pick a schedule: off, every N hours, or a cron expression.' };
  }
  const priority = form.ratingPriority === 'trakt' ? 'trakt' : 'plex';
  return {
    settings: { toTrakt: form.toTrakt === '1', toPlex: form.toPlex === '1', ratings: form.ratings === '1', ratingPriority: priority, mirrorUnwatch: form.mirrorUnwatch === '1', schedule },
  };
}

export function syncSettingsRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/settings/sync', async (c) => {
    const { deps } = c.var;
    const parsed = parseSyncForm(await readForm(c));
    if (!parsed.settings) {
      // Nothing is saved: the stored settings are shown again with the sentence.
      return answerSection(c, 'sync', <SyncSection view={await view(c, { error: parsed.error })} />, 422);
    }
    await saveSyncSettings(deps.db, parsed.settings);
    await deps.jobs.reschedule(SYNC_JOB);
    deps.log.info({ component: 'sync', schedule: parsed.settings.schedule }, 'sync settings saved');
    return answerSection(c, 'sync', <SyncSection view={await view(c, { message: 'Saved.' })} />);
  });
  app.post('/settings/sync/dry-run', async (c) => {
    const { deps } = c.var;
    try {
      const started = await deps.sync.start({ trigger: 'manual', dryRun: true });
      return answerSection(c, 'sync', <SyncSection view={await view(c, { message: `Dry run ${started.runId} started: it plans everything and writes nothing. See /runs/${started.runId}.` })} />);
    } catch (err) {
      if (!(err instanceof SyncBusyError)) throw err;
      return answerSection(c, 'sync', <SyncSection view={await view(c, { error: err.message })} />);
    }
  });
  return app;
}
