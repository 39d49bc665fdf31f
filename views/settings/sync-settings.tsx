/** Sync settings: directions, ratings and who wins a conflict, mirroring un-watching (off), the schedule (with the next run), dry run. */
import type { Child } from 'hono/jsx';
import type { JobInfo } from '../../src/jobs/registry.js';
import type { SyncSettings } from '../../src/sync/settings.js';
import { buttonClass, Card, CsrfField, inputClass, secondaryButtonClass } from '../components.js';
import { Time } from '../runs/run-parts.js';
import { Notice } from './fields.js';

export interface SyncSectionView {
  csrf: string;
  settings: SyncSettings;
  job?: JobInfo;
  error?: string;
  message?: Child;
  /** The field the error is about, and the schedule as it was typed (kept when it could not be saved). */
  invalid?: 'hours' | 'cron' | 'scheduleMode';
  typed?: { mode: string; hours: string; cron: string };
}

const hx = { 'hx-target': '#settings-sync', 'hx-swap': 'outerHTML' };

function Check(props: { name: string; label: string; checked: boolean; hint: string }) {
  return (
    <label class="flex items-start gap-2 text-sm">
      <input type="checkbox" name={props.name} value="1" checked={props.checked} class="mt-1" id={`sync-${props.name}`} />
      <span>
        {props.label}
        <span class="block text-xs text-slate-600 dark:text-slate-400">{props.hint}</span>
      </span>
    </label>
  );
}

export function SyncSection(props: { view: SyncSectionView }) {
  const v = props.view;
  const s = v.settings;
  const sched = s.schedule;
  const mode = v.typed?.mode ?? sched.mode;
  const hours = v.typed ? v.typed.hours : String(sched.mode === 'interval' ? sched.hours : 6);
  const cron = v.typed ? v.typed.cron : sched.mode === 'cron' ? sched.cron : '';
  const bad = (field: string) => (v.invalid === field ? { 'aria-invalid': 'true', 'aria-describedby': 'sync-error' } : {});
  const badRing = (field: string) => (v.invalid === field ? '!border-rose-500 ring-1 ring-rose-500' : '');
  return (
    <section id="settings-sync" data-section="sync">
      <a id="sync"></a>
      <Card title="Sync">
        <p class="text-sm text-slate-600 dark:text-slate-300">
          The reconciliation sync reads both sides, compares them and writes only the difference. Removals are off: nothing is removed on either side
          unless you turn on "Mirror un-watching" below.
        </p>
        <form id="sync-form" method="post" action="/settings/sync" hx-post="/settings/sync" {...hx} class="mt-4 space-y-3" novalidate>
          <CsrfField token={v.csrf} />
          <Check name="toTrakt" label="Plex → Trakt: add what you watched in Plex to your Trakt history" checked={s.toTrakt} hint="With the time Plex last saw it watched." />
          <Check name="toPlex" label="Trakt → Plex: mark watched in Plex what Trakt has as watched" checked={s.toPlex} hint="Plex stamps the time of the sync." />
          <Check name="ratings" label="Ratings both ways" checked={s.ratings} hint="An item rated on one side only gets that rating on the other." />
          <Check
            name="mirrorUnwatch"
            label="Mirror un-watching (removes plays; off by default)"
            checked={s.mirrorUnwatch}
            hint="Warning: this deletes. When you mark something unwatched in Plex, its plays are removed from your Trakt history; when you remove plays on Trakt, the item is marked unwatched in Plex. Only changes seen between two runs count: the first run after turning it on only takes note, and nothing is removed for an item the sync never saw watched. Removed Trakt plays cannot be restored."
          />
          <label class="block text-sm">
            When both sides rated an item differently
            <select name="ratingPriority" class={inputClass} id="sync-rating-priority">
              <option value="plex" selected={s.ratingPriority === 'plex'}>Plex wins</option>
              <option value="trakt" selected={s.ratingPriority === 'trakt'}>Trakt wins</option>
            </select>
          </label>
          <fieldset class="space-y-2 text-sm">
            <legend class="font-medium">Schedule</legend>
            <label class="flex items-center gap-2">
              <input type="radio" name="scheduleMode" value="off" checked={mode === 'off'} /> Off (run it by hand)
            </label>
            <label class="flex items-center gap-2">
              <input type="radio" name="scheduleMode" value="interval" checked={mode === 'interval'} /> Every
              <input type="number" name="hours" min="1" max="168" value={hours} class={`${inputClass} !mt-0 w-20 ${badRing('hours')}`} aria-label="hours" id="sync-hours" {...bad('hours')} /> hours
            </label>
            <label class="flex items-center gap-2">
              <input type="radio" name="scheduleMode" value="cron" checked={mode === 'cron'} /> Cron expression
              <input type="text" name="cron" value={cron} placeholder="0 3 * * *" class={`${inputClass} !mt-0 w-48 font-mono ${badRing('cron')}`} aria-label="cron expression" id="sync-cron" {...bad('cron')} />
            </label>
          </fieldset>
          {v.error && <Notice kind="error" id="sync-error">{v.error}</Notice>}
          <p class="text-sm text-slate-600 dark:text-slate-400" id="sync-next-run">
            {'Next run: '}
            {v.job?.nextRun ? <Time ms={v.job.nextRun} /> : 'not scheduled'}
            {v.job?.running ? ' · a sync is running now' : ''}
          </p>
          <div class="flex flex-wrap gap-2">
            <button type="submit" class={buttonClass} id="sync-save">Save</button>
            <button type="button" class={secondaryButtonClass} id="sync-dry-run" hx-post="/settings/sync/dry-run" {...hx}>Dry run now</button>
          </div>
        </form>
        {v.message && <Notice kind="ok" id="sync-message">{v.message}</Notice>}
      </Card>
    </section>
  );
}
