/**
 * Pieces of a sync run shown in several places (runs table, run detail, dashboard card),
 * each one component for the page and for its live update over SSE.
 */
import type { SyncRunRow } from '../../src/db/tables/sync.js';

const statusClass: Record<string, string> = {
  running: 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-100',
  succeeded: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100',
  partial: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-100',
  failed: 'bg-rose-100 text-rose-800 dark:bg-rose-900 dark:text-rose-100',
  interrupted: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-100',
  awaiting_approval: 'bg-amber-200 text-amber-900 dark:bg-amber-800 dark:text-amber-50',
  discarded: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-100',
};

const statusLabel: Record<string, string> = { awaiting_approval: 'awaiting approval' };

export function StatusBadge(props: { run: Pick<SyncRunRow, 'status' | 'dry_run'> }) {
  const s = props.run.status;
  return (
    <span class={`inline-block rounded px-2 py-0.5 text-xs font-medium ${statusClass[s] ?? ''}`} data-status={s}>
      {statusLabel[s] ?? s}
      {props.run.dry_run ? ' · dry run' : ''}
    </span>
  );
}

export function Time(props: { ms: number | null | undefined }) {
  if (!props.ms) return <span class="text-slate-600 dark:text-slate-400">—</span>;
  const iso = new Date(props.ms).toISOString();
  return (
    <time datetime={iso} data-local="">
      {iso}
    </time>
  );
}

export function duration(run: Pick<SyncRunRow, 'started_at' | 'finished_at'>, now = Date.now()): string {
  const ms = (run.finished_at ?? now) - run.started_at;
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

const pct = (a: number, b: number) => (b > 0 ? Math.min(100, Math.round((100 * a) / b)) : 0);

function Bar(props: { label: string; done: number; total: number; id: string }) {
  const p = pct(props.done, props.total);
  return (
    <div class="mt-2">
      <div class="flex justify-between text-xs text-slate-600 dark:text-slate-400">
        <span>{props.label}</span>
        <span data-testid={props.id}>{`${props.done} / ${props.total}`}</span>
      </div>
      <div class="mt-1 h-2 w-full rounded bg-slate-200 dark:bg-slate-700" role="progressbar" aria-valuenow={String(p)} aria-valuemin="0" aria-valuemax="100" aria-label={props.label}>
        <div class="h-2 rounded bg-sky-600" style={`width: ${p}%`}></div>
      </div>
    </div>
  );
}

const PHASES: Record<string, string> = {
  starting: 'Starting',
  settling: 'Checking writes an earlier run left unfinished',
  plex: 'Reading Plex',
  trakt: 'Reading Trakt',
  planning: 'Planning',
  writing: 'Writing',
  done: 'Done',
};

/** Phase, two progress bars and the counts; `#run-progress-<id>` is replaced live. */
export function RunProgress(props: { run: SyncRunRow }) {
  const r = props.run;
  return (
    <div id={`run-progress-${r.id}`} data-phase={r.phase}>
      <p class="text-sm">
        <StatusBadge run={r} /> <span class="ml-2 font-medium">{PHASES[r.phase] ?? r.phase}</span>
        <span class="ml-2 text-slate-600 dark:text-slate-400">{duration(r)}</span>
      </p>
      <Bar label="Items scanned" done={r.scanned} total={Math.max(r.scan_total, r.scanned)} id="scanned" />
      <Bar label="Writes done" done={r.writes_done} total={r.planned_writes} id="writes" />
      <RunCounts run={r} />
      {r.error && <p class={`mt-2 text-sm ${r.status === 'awaiting_approval' ? 'text-amber-800 dark:text-amber-200' : 'text-rose-700 dark:text-rose-300'}`}>{r.error}</p>}
    </div>
  );
}

export function RunCounts(props: { run: SyncRunRow }) {
  const r = props.run;
  const items: Array<[string, number]> = [
    ['Added to Trakt', r.added_to_trakt],
    ['Marked in Plex', r.marked_in_plex],
    ['Ratings', r.ratings_to_trakt + r.ratings_to_plex],
    // What the Unmatched page listed when the run ended; "Unknown to Trakt" is this run's share of it.
    ['Unmatched', r.unmatched],
    ['Unknown to Trakt', r.not_found],
    ['Errors', r.errors],
    // "Mirror un-watching" (opt-in): shown once a run has removed something.
    ...(r.removed_from_trakt + r.unwatched_in_plex > 0
      ? ([['Removed from Trakt', r.removed_from_trakt], ['Unwatched in Plex', r.unwatched_in_plex]] as Array<[string, number]>)
      : []),
  ];
  return (
    <dl class="mt-3 grid grid-cols-3 gap-2 text-center text-sm">
      {items.map(([k, v]) => (
        <div>
          <dt class="text-slate-600 dark:text-slate-400">{k}</dt>
          <dd class={`text-lg font-semibold ${k === 'Errors' && v ? 'text-rose-600' : ''}`}>
            {k === 'Unmatched' && v ? <a class="underline" href="/unmatched">{v}</a> : v}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function RunRow(props: { run: SyncRunRow }) {
  const r = props.run;
  const calls = r.plex_requests + r.trakt_gets + r.trakt_writes;
  return (
    <tr id={`run-row-${r.id}`} class="border-t border-slate-200 dark:border-slate-700">
      <td class="py-2 pr-3">
        <a class="underline" href={`/runs/${r.id}`}>
          <Time ms={r.started_at} />
        </a>
      </td>
      <td class="hidden md:table-cell py-2 pr-3">{r.trigger}</td>
      <td class="hidden md:table-cell py-2 pr-3">{r.status === 'running' ? `${duration(r)}…` : duration(r)}</td>
      <td class="py-2 pr-3">
        <StatusBadge run={r} />
      </td>
      <td class="py-2 pr-3 text-right">{r.added_to_trakt}</td>
      <td class="hidden md:table-cell py-2 pr-3 text-right">{r.marked_in_plex}</td>
      <td class="hidden md:table-cell py-2 pr-3 text-right">{r.ratings_to_trakt + r.ratings_to_plex}</td>
      <td class="hidden md:table-cell py-2 pr-3 text-right">{r.unmatched}</td>
      <td class={`py-2 pr-3 text-right ${r.errors ? 'text-rose-600' : ''}`}>{r.errors}</td>
      <td class="hidden md:table-cell py-2 text-right" title={`Plex ${r.plex_requests}, Trakt GET ${r.trakt_gets}, Trakt writes ${r.trakt_writes}`}>{calls}</td>
    </tr>
  );
}
