/**
 * The parts of a run's page that change while it runs, each with its own id so the live
 * stream can replace it: the facts line (API calls, start, finish), the plan, the ledger.
 */
import type { RunLedgerRow } from '../../src/db/repos/sync-runs.js';
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { Time } from './run-parts.js';

interface PlanSample {
  title: string;
  key: string;
  watchedAt: number | null;
  rating: number | null;
}
export interface PlanView {
  counts: Record<string, number>;
  /** An undo run: what it set out to do, as a sentence (its plan has no item lists). */
  undo?: string;
  toTrakt?: PlanSample[];
  toPlex?: PlanSample[];
  /** "Mirror un-watching" (absent from plans made before it existed). */
  fromTrakt?: PlanSample[];
  unwatchInPlex?: PlanSample[];
  ratingsToTrakt?: PlanSample[];
  ratingsToPlex?: PlanSample[];
}

export function parsePlan(text: string | null): PlanView | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as PlanView;
  } catch {
    return null;
  }
}

const PLAN_LABELS: Record<string, string> = {
  toTrakt: 'Plays to add to Trakt',
  toPlex: 'Items to mark watched in Plex',
  fromTrakt: 'Plays to remove from Trakt history (unwatched in Plex)',
  unwatchInPlex: 'Items to mark unwatched in Plex (removed from Trakt)',
  ratingsToTrakt: 'Ratings to Trakt',
  ratingsToPlex: 'Ratings to Plex',
  skippedRecorded: 'Skipped: the ledger already has the play',
  skippedNotFound: 'Skipped: Trakt did not know them in the last day',
  plays: 'Plays to remove from Trakt',
  plexMarks: 'Items to mark unwatched in Plex',
  ratings: 'Ratings to put back',
};

export function RunFacts(props: { run: SyncRunRow }) {
  const r = props.run;
  return (
    <p class="mt-2 text-xs text-slate-600 dark:text-slate-400" id={`run-facts-${r.id}`}>
      {`API calls: Plex ${r.plex_requests}, Trakt GET ${r.trakt_gets}, Trakt writes ${r.trakt_writes}. Started `}
      <Time ms={r.started_at} />
      {r.finished_at ? <>{', finished '}<Time ms={r.finished_at} /></> : ''}
    </p>
  );
}

function PlanList(props: { title: string; items: PlanSample[]; total: number }) {
  if (props.items.length === 0) return <></>;
  return (
    <details class="mt-2">
      <summary class="cursor-pointer text-sm font-medium">{`${props.title} (${props.total}${props.total > props.items.length ? `, first ${props.items.length} shown` : ''})`}</summary>
      <ul class="mt-1 list-disc pl-6 text-sm">
        {props.items.map((i) => (
          <li>
            {i.title}
            {i.watchedAt ? <span class="text-slate-600 dark:text-slate-400">{' · watched '}<Time ms={i.watchedAt} /></span> : ''}
            {i.rating !== null ? <span class="text-slate-600 dark:text-slate-400">{` · rating ${i.rating}`}</span> : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function RunPlan(props: { runId: number; plan: PlanView | null }) {
  const { plan } = props;
  return (
    <div id={`run-plan-${props.runId}`}>
      {plan ? (
        <>
          <dl class="grid grid-cols-1 gap-1 text-sm sm:grid-cols-2">
            {/* The plan's own "unmatched" is left out: the run's Unmatched count is the one number. */}
            {Object.entries(plan.counts)
              .filter(([k]) => k !== 'unmatched')
              .map(([k, n]) => (
                <div class="flex justify-between gap-2">
                  <dt class="text-slate-600 dark:text-slate-400">{PLAN_LABELS[k] ?? k}</dt>
                  <dd class="font-medium">{n}</dd>
                </div>
              ))}
          </dl>
          {plan.undo && <p class="mt-2 text-sm" id="undo-plan">{plan.undo}</p>}
          <PlanList title={PLAN_LABELS.toTrakt!} items={plan.toTrakt ?? []} total={plan.counts.toTrakt ?? 0} />
          <PlanList title={PLAN_LABELS.toPlex!} items={plan.toPlex ?? []} total={plan.counts.toPlex ?? 0} />
          <PlanList title={PLAN_LABELS.fromTrakt!} items={plan.fromTrakt ?? []} total={plan.counts.fromTrakt ?? 0} />
          <PlanList title={PLAN_LABELS.unwatchInPlex!} items={plan.unwatchInPlex ?? []} total={plan.counts.unwatchInPlex ?? 0} />
          <PlanList title={PLAN_LABELS.ratingsToTrakt!} items={plan.ratingsToTrakt ?? []} total={plan.counts.ratingsToTrakt ?? 0} />
          <PlanList title={PLAN_LABELS.ratingsToPlex!} items={plan.ratingsToPlex ?? []} total={plan.counts.ratingsToPlex ?? 0} />
        </>
      ) : (
        <p class="text-sm text-slate-600 dark:text-slate-400">The plan appears once both sides have been read.</p>
      )}
    </div>
  );
}

export interface LedgerView {
  rows: RunLedgerRow[];
  total: number;
  failed: number;
  only?: 'failed';
}

/** "Movie (2019) · Movies 4K": the year and library tell two copies of one title apart. */
function itemText(l: RunLedgerRow): string {
  const name = l.title ?? l.item_key;
  const year = l.item_year && !name.includes(`(${l.item_year})`) ? ` (${l.item_year})` : '';
  return `${name}${year}${l.library ? ` · ${l.library}` : ''}`;
}

export function RunLedger(props: { run: Pick<SyncRunRow, 'id' | 'dry_run'>; ledger: LedgerView }) {
  const { run, ledger } = props;
  const { rows, total, failed, only } = ledger;
  const filter = (active: boolean) => `rounded-md px-2 py-0.5 ${active ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'underline'}`;
  return (
    // A filtered ledger (data-only) is not replaced by the live update, which is the whole list.
    <div id={`run-ledger-${run.id}`} data-only={only ?? undefined}>
      <h3 class="mb-2 text-sm font-medium">{`${total} write${total === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}`}</h3>
      {failed > 0 && (
        <nav class="mb-2 flex gap-2 text-sm" aria-label="Which writes">
          <a href={`/runs/${run.id}#run-ledger`} class={filter(!only)} aria-current={!only ? 'page' : undefined}>{`All (${total})`}</a>
          <a href={`/runs/${run.id}?ledger=failed#run-ledger`} class={filter(only === 'failed')} aria-current={only === 'failed' ? 'page' : undefined} id="ledger-failed-filter">
            {`Failed (${failed})`}
          </a>
        </nav>
      )}
      {rows.length === 0 ? (
        <p class="text-sm text-slate-600 dark:text-slate-400">{run.dry_run ? 'A dry run writes nothing.' : 'Nothing was written.'}</p>
      ) : (
        <div tabindex={0} class="overflow-x-auto" aria-label="Writes of this run">
          <p class="mb-2 text-xs text-slate-600 md:hidden dark:text-slate-400">Scroll the table sideways for the time, status and Trakt's answer.</p>
          <table class="w-full text-sm">
            <thead class="text-left text-xs uppercase text-slate-600 dark:text-slate-400">
              <tr>
                <th class="py-1 pr-3">Target</th>
                <th class="py-1 pr-3">Action</th>
                <th class="py-1 pr-3">Item</th>
                <th class="py-1 pr-3">Watched / rating</th>
                <th class="py-1 pr-3">Status</th>
                <th class="py-1">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l) => (
                <tr
                  class={`border-t border-slate-200 dark:border-slate-700 ${l.status === 'failed' ? 'bg-rose-50 text-rose-900 dark:bg-rose-950 dark:text-rose-100' : ''}`}
                  data-ledger-status={l.status}
                >
                  <td class="py-1 pr-3">{l.target}</td>
                  <td class="py-1 pr-3 font-mono text-xs">{l.action}</td>
                  <td class="py-1 pr-3 ledger-item">{itemText(l)}</td>
                  <td class="py-1 pr-3">{l.watched_at ? <Time ms={l.watched_at} /> : l.rating ?? ''}</td>
                  <td class="py-1 pr-3">{l.status === 'failed' ? <strong>failed</strong> : l.status}</td>
                  <td class="py-1">{l.error ?? l.outcome ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(only ? failed : total) > rows.length && <p class="mt-2 text-xs text-slate-600 dark:text-slate-400">{`First ${rows.length} of ${only ? failed : total} shown.`}</p>}
        </div>
      )}
    </div>
  );
}
