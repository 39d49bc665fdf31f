/** The dashboard's Sync card: the running run's progress, or the last run; the next run; "Run sync now", "Full sync", "Dry run". */
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { Card, secondaryButtonClass, buttonClass } from '../components.js';
import { RunProgress, StatusBadge, Time } from './run-parts.js';

export interface SyncCardView {
  running?: SyncRunRow;
  last?: SyncRunRow;
  nextRun: number | null;
  schedule: string;
  /** A sentence after a button press (e.g. "a sync is already running"). */
  message?: string;
  /** A run the guard held, waiting for approval. */
  waiting?: SyncRunRow;
  /** What the Unmatched page lists now (the same count a run records when it ends). */
  unmatched?: number;
}

export function SyncCardBody(props: { view: SyncCardView }) {
  const v = props.view;
  return (
    <>
      {v.waiting && (
        <p class="mb-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100" id="sync-card-waiting" role="status">
          {`Sync run ${v.waiting.id} waits for your approval: the guard held it before it wrote anything. `}
          <a class="font-medium underline" href={`/runs/${v.waiting.id}`}>Review its plan</a>
        </p>
      )}
      {v.running ? (
        <>
          <RunProgress run={v.running} />
          <p class="mt-2 text-sm">
            <a class="underline" href={`/runs/${v.running.id}`}>Live progress and log</a>
          </p>
        </>
      ) : v.last ? (
        <p class="text-sm">
          {'Last run '}
          <a class="underline" href={`/runs/${v.last.id}`}>
            <Time ms={v.last.started_at} />
          </a>{' '}
          <StatusBadge run={v.last} />
          <span class="block text-slate-600 dark:text-slate-400">
            {`${v.last.added_to_trakt} added to Trakt, ${v.last.marked_in_plex} marked in Plex, `}
            <a class="underline" href="/unmatched" id="sync-card-unmatched">{`${v.unmatched ?? v.last.unmatched} unmatched`}</a>
          </span>
          {v.last.status !== 'succeeded' && (
            <span class="block text-amber-700 dark:text-amber-300" id="sync-card-problem">
              {v.last.error ??
                (v.last.status === 'partial'
                  ? `${v.last.errors} item${v.last.errors === 1 ? '' : 's'} could not be written; the next run tries again (details on the run's page).`
                  : 'The run did not finish; the next run picks up where it stopped.')}
            </span>
          )}
        </p>
      ) : (
        <p class="text-lg font-medium">No sync has run yet</p>
      )}
      <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
        {'Next run: '}
        {v.nextRun ? <Time ms={v.nextRun} /> : 'not scheduled'}
        <span class="block">{`Schedule: ${v.schedule}. `}<a class="underline" href="/settings#sync">Change</a></span>
      </p>
      {v.message && <p class="mt-2 text-sm text-amber-700 dark:text-amber-300" role="status">{v.message}</p>}
      <div class="mt-3 flex flex-wrap gap-2">
        <button class={buttonClass} id="run-sync-now" hx-post="/runs/start" hx-target="#sync-card-body" hx-swap="innerHTML" disabled={!!v.running}>
          Run sync now
        </button>
        <button
          class={secondaryButtonClass}
          id="run-full-sync"
          hx-post="/runs/start"
          hx-vals='{"full":"1"}'
          hx-target="#sync-card-body"
          hx-swap="innerHTML"
          disabled={!!v.running}
          title="Re-read both whole libraries, not only what changed since the last run (slower)"
        >
          Full sync
        </button>
        <button class={secondaryButtonClass} hx-post="/runs/start" hx-vals='{"dryRun":"1"}' hx-target="#sync-card-body" hx-swap="innerHTML" disabled={!!v.running}>
          Dry run
        </button>
      </div>
    </>
  );
}

export function SyncCard(props: { view: SyncCardView }) {
  return (
    <Card title="Sync" id="card-sync">
      <div id="sync-card-body">
        <SyncCardBody view={props.view} />
      </div>
    </Card>
  );
}
