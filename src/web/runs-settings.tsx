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

const CRON_HELP = 'Use five fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" for 03:00 every day.';

/** The form as settings, or a sentence saying what to fix and which field it is about. */
export function parseSyncForm(form: Record<string, string>): {
  settings?: Omit<SyncSettings, 'schedule'> & { schedule: SyncSchedule };
  error?: string;
  field?: 'hours' | 'cron' | 'scheduleMode';
} {
  let schedule: SyncSchedule;
  const mode = form.scheduleMode ?? 'off';
  if (mode === 'interval') {
    const hours = Number(form.hours);
    if (!Number.isInteger(hours) || hours < 1 || hours > 168) return { error: 'Hours must be a whole number from 1 to 168.', field: 'hours' };
    schedule = { mode: 'interval', hours };
  } else if (mode === 'cron') {
    const cron = (form.cron ?? '').trim();
    if (!cron) return { error: `Enter a cron expression or pick another schedule. ${CRON_HELP}`, field: 'cron' };
    if (cron.length > 100) return { error: 'That cron expression is too long (100 characters at most).', field: 'cron' };
    schedule = { mode: 'cron', cron };
    try {
      cronFor(schedule)?.stop();
    } catch {
      return { error: `"${cron}" is not a cron expression. ${CRON_HELP}`, field: 'cron' };
    }
  } else if (mode === 'off') {
    schedule = { mode: 'off' };
  } else {
    return { error: 'Pick a schedule: off, every N hours, or a cron expression.', field: 'scheduleMode' };
  }
  return { settings: { ...formChoices(form), schedule } };
}

function formChoices(form: Record<string, string>): Omit<SyncSettings, 'schedule'> {
  const priority = form.ratingPriority === 'trakt' ? 'trakt' : 'plex';
  return { toTrakt: form.toTrakt === '1', toPlex: form.toPlex === '1', ratings: form.ratings === '1', ratingPriority: priority, mirrorUnwatch: form.mirrorUnwatch === '1' };
}

export function syncSettingsRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/settings/sync', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const parsed = parseSyncForm(form);
    if (!parsed.settings) {
      // Nothing is saved; the form comes back as it was typed, the wrong field marked, with one sentence.
      const typed = { mode: form.scheduleMode ?? 'off', hours: form.hours ?? '', cron: form.cron ?? '' };
      const draft = { ...(await getSyncSettings(deps.db)), ...formChoices(form) };
      return answerSection(c, 'sync', <SyncSection view={await view(c, { error: parsed.error, invalid: parsed.field, typed, settings: draft })} />, 422);
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
      const message = (
        <>
          {`Dry run ${started.runId} started: it plans everything and writes nothing. `}
          <a class="underline" href={`/runs/${started.runId}`} id="sync-dry-run-link">{`See run ${started.runId}`}</a>.
        </>
      );
      return answerSection(c, 'sync', <SyncSection view={await view(c, { message })} />);
    } catch (err) {
      if (!(err instanceof SyncBusyError)) throw err;
      return answerSection(c, 'sync', <SyncSection view={await view(c, { error: err.message })} />);
    }
  });
  return app;
}
