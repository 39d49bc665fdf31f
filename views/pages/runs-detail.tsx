/** One sync run: live progress, its log (streams while it runs), its plan and its ledger rows. */
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { Card, PageHeader } from '../components.js';
import { LogRows, type LogLine } from '../logs/log-rows.js';
import { RunFacts, RunLedger, RunPlan, type LedgerView, type PlanView } from '../runs/run-detail-parts.js';
import { RunProgress } from '../runs/run-parts.js';
import { RunPeople } from '../runs/run-people.js';
import { HeldPlan, type HeldPlanView } from '../runs/held-plan.js';
import type { Child } from 'hono/jsx';

export type { PlanView } from '../runs/run-detail-parts.js';

export interface RunDetailView {
  run: SyncRunRow;
  plan: PlanView | null;
  log: LogLine[];
  ledger: LedgerView;
  /** A run the guard held: its reasons, buttons and paged plan. */
  held?: HeldPlanView;
  /** Other features' cards under the progress (e.g. "Undo this run"). */
  extra?: Child;
}

export function RunDetailPage(props: { view: RunDetailView }) {
  const { run, plan, log, ledger, held, extra } = props.view;
  return (
    <>
      <PageHeader
        title={run.undo_of !== null || run.undo_event !== null ? `Undo run ${run.id}` : `Sync run ${run.id}`}
        subtitle={`Started by ${run.trigger}${run.dry_run ? ' · dry run: nothing written' : ''}${run.full_walk ? ' · full walk' : ''}${run.undo_of !== null ? ` · undoes run ${run.undo_of}` : ''}${run.undo_event !== null ? ` · undoes webhook event ${run.undo_event}` : ''}`}
      >
        <a class="underline" href="/runs">All runs</a>
      </PageHeader>
      <div class="grid grid-cols-1 gap-4">
        <Card title="Live progress">
          <RunProgress run={run} />
          <RunFacts run={run} />
        </Card>
        {run.people !== null && (
          <Card title="People" id="run-people">
            <RunPeople run={run} />
          </Card>
        )}
        {held && <HeldPlan view={held} />}
        {extra}
        <Card title="Plan" id="run-plan">
          <RunPlan runId={run.id} plan={plan} />
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
        <Card title="Writes (ledger)" id="run-ledger">
          <RunLedger run={run} ledger={ledger} />
        </Card>
      </div>
      <div hx-sse:connect="/live?topics=runs" hx-swap="none" class="hidden"></div>
    </>
  );
}
