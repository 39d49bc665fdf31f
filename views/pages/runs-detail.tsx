/** One sync run: live progress, its log (streams while it runs), its plan and its ledger rows. */
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { Card, PageHeader } from '../components.js';
import { LogRows, type LogLine } from '../logs/log-rows.js';
import { RunFacts, RunLedger, RunPlan, type LedgerView, type PlanView } from '../runs/run-detail-parts.js';
import { RunProgress } from '../runs/run-parts.js';

export type { PlanView } from '../runs/run-detail-parts.js';

export interface RunDetailView {
  run: SyncRunRow;
  plan: PlanView | null;
  log: LogLine[];
  ledger: LedgerView;
}

export function RunDetailPage(props: { view: RunDetailView }) {
  const { run, plan, log, ledger } = props.view;
  return (
    <>
      <PageHeader title={`Sync run ${run.id}`} subtitle={`Started by ${run.trigger}${run.dry_run ? ' · dry run: nothing written' : ''}${run.full_walk ? ' · full walk' : ''}`}>
        <a class="underline" href="/runs">All runs</a>
      </PageHeader>
      <div class="grid grid-cols-1 gap-4">
        <Card title="Live progress">
          <RunProgress run={run} />
          <RunFacts run={run} />
        </Card>
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
