/** One sync run: live progress, its log (streams while it runs), its plan and its ledger rows. */
import type { LedgerRow } from '../../src/db/tables/ledger.js';
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { Card, PageHeader } from '../components.js';
import { LogRows, type LogLine } from '../logs/log-rows.js';
import { RunProgress, Time } from '../runs/run-parts.js';

interface PlanSample {
  title: string;
  key: string;
  watchedAt: number | null;
  rating: number | null;
}
export interface PlanView {
  counts: Record<string, number>;
  toTrakt: PlanSample[];
  toPlex: PlanSample[];
  /** "Mirror un-watching" (absent from plans made before it existed). */
  fromTrakt?: PlanSample[];
  unwatchInPlex?: PlanSample[];
  ratingsToTrakt: PlanSample[];
  ratingsToPlex: PlanSample[];
}

export interface RunDetailView {
  run: SyncRunRow;
  plan: PlanView | null;
  log: LogLine[];
  ledger: LedgerRow[];
  ledgerTotal: number;
}

const PLAN_LABELS: Record<string, string> = {
  toTrakt: 'Plays to add to Trakt',
  toPlex: 'Items to mark watched in Plex',
  fromTrakt: 'Plays to remove from Trakt history (unwatched in Plex)',
  unwatchInPlex: 'Items to mark unwatched in Plex (removed from Trakt)',
  ratingsToTrakt: 'Ratings to Trakt',
  ratingsToPlex: 'Ratings to Plex',
  skippedRecorded: 'Skipped: the ledger already has the play',
  skippedNotFound: 'Skipped: Trakt did not know the ids before',
  unmatched: 'Unmatched in Plex',
};

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

export function RunDetailPage(props: { view: RunDetailView }) {
  const { run, plan, log, ledger, ledgerTotal } = props.view;
  return (
    <>
      <PageHeader title={`Sync run ${run.id}`} subtitle={`Started by ${run.trigger}${run.dry_run ? ' · dry run: nothing written' : ''}${run.full_walk ? ' · full walk' : ''}`}>
        <a class="underline" href="/runs">All runs</a>
      </PageHeader>
      <div class="grid grid-cols-1 gap-4">
        <Card title="Live progress">
          <RunProgress run={run} />
          <p class="mt-2 text-xs text-slate-600 dark:text-slate-400">
            {`API calls: Plex ${run.plex_requests}, Trakt GET ${run.trakt_gets}, Trakt writes ${run.trakt_writes}. Started `}
            <Time ms={run.started_at} />
            {run.finished_at ? <>{', finished '}<Time ms={run.finished_at} /></> : ''}
          </p>
        </Card>
        <Card title="Plan" id="run-plan">
          {plan ? (
            <>
              <dl class="grid grid-cols-1 gap-1 text-sm sm:grid-cols-2">
                {Object.entries(plan.counts).map(([k, n]) => (
                  <div class="flex justify-between gap-2">
                    <dt class="text-slate-600 dark:text-slate-400">{PLAN_LABELS[k] ?? k}</dt>
                    <dd class="font-medium">{n}</dd>
                  </div>
                ))}
              </dl>
              <PlanList title={PLAN_LABELS.toTrakt!} items={plan.toTrakt} total={plan.counts.toTrakt ?? 0} />
              <PlanList title={PLAN_LABELS.toPlex!} items={plan.toPlex} total={plan.counts.toPlex ?? 0} />
              <PlanList title={PLAN_LABELS.fromTrakt!} items={plan.fromTrakt ?? []} total={plan.counts.fromTrakt ?? 0} />
              <PlanList title={PLAN_LABELS.unwatchInPlex!} items={plan.unwatchInPlex ?? []} total={plan.counts.unwatchInPlex ?? 0} />
              <PlanList title={PLAN_LABELS.ratingsToTrakt!} items={plan.ratingsToTrakt} total={plan.counts.ratingsToTrakt ?? 0} />
              <PlanList title={PLAN_LABELS.ratingsToPlex!} items={plan.ratingsToPlex} total={plan.counts.ratingsToPlex ?? 0} />
            </>
          ) : (
            <p class="text-sm text-slate-600 dark:text-slate-400">The plan appears once both sides have been read.</p>
          )}
        </Card>
        <Card title="Log">
          <div tabindex={0} class="max-h-96 overflow-y-auto">
            <table class="w-full">
              <tbody id={`run-log-${run.id}`}>
                <LogRows rows={log} />
              </tbody>
            </table>
          </div>
        </Card>
        <Card title={`Writes (ledger): ${ledgerTotal}`} id="run-ledger">
          {ledger.length === 0 ? (
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
                  {ledger.map((l) => (
                    <tr class="border-t border-slate-200 dark:border-slate-700" data-ledger-status={l.status}>
                      <td class="py-1 pr-3">{l.target}</td>
                      <td class="py-1 pr-3 font-mono text-xs">{l.action}</td>
                      <td class="py-1 pr-3">{l.title ?? l.item_key}</td>
                      <td class="py-1 pr-3">{l.watched_at ? <Time ms={l.watched_at} /> : l.rating ?? ''}</td>
                      <td class="py-1 pr-3">{l.status}</td>
                      <td class="py-1">{l.error ?? l.outcome ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {ledgerTotal > ledger.length && <p class="mt-2 text-xs text-slate-600 dark:text-slate-400">{`First ${ledger.length} of ${ledgerTotal} shown.`}</p>}
            </div>
          )}
        </Card>
      </div>
      <div hx-sse:connect="/live?topics=runs" hx-swap="none" class="hidden"></div>
    </>
  );
}
