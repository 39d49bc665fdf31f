/**
 * Live progress of a run on the bus topic `runs` (from the `sync.progress` events the sync
 * announces): its progress block, its row in the runs table, the dashboard card, and the
 * run's new log lines (appended to its log).
 */
import { runLedger, runLogLines } from '../db/repos/sync-runs.js';
import type { SyncRunRow } from '../db/tables/sync.js';
import { LogRows } from '../../views/logs/log-rows.js';
import { RunProgress, RunRow } from '../../views/runs/run-parts.js';
import { parsePlan, RunFacts, RunLedger, RunPlan } from '../../views/runs/run-detail-parts.js';
import { RunPeople } from '../../views/runs/run-people.js';
import { SyncCardBody, type SyncCardView } from '../../views/runs/sync-card.js';
import type { Core } from '../core.js';

export const RUNS_TOPIC = 'runs';

export class RunPublisher {
  private lastLogId = new Map<number, number>();
  private announced = new Set<number>();
  private planShown = new Set<number>();

  constructor(
    private deps: Pick<Core, 'bus' | 'db' | 'log'>,
    private card: (run: SyncRunRow) => Promise<SyncCardView>,
  ) {}

  async publish(run: SyncRunRow): Promise<void> {
    const { bus } = this.deps;
    if (!bus.hasSubscribers(RUNS_TOPIC)) return;
    try {
      const parts: string[] = [];
      parts.push((<hx-partial hx-target={`#run-progress-${run.id}`} hx-swap="outerHTML"><RunProgress run={run} /></hx-partial>).toString());
      // The run's page keeps up too: request counts and finish time, the plan once made, the writes once done.
      parts.push((<hx-partial hx-target={`#run-facts-${run.id}`} hx-swap="outerHTML"><RunFacts run={run} /></hx-partial>).toString());
      if (run.people !== null) parts.push((<hx-partial hx-target={`#run-people-${run.id}`} hx-swap="outerHTML"><RunPeople run={run} /></hx-partial>).toString());
      const finished = run.status !== 'running';
      if (run.plan && (finished || !this.planShown.has(run.id))) {
        this.planShown.add(run.id);
        parts.push((<hx-partial hx-target={`#run-plan-${run.id}`} hx-swap="outerHTML"><RunPlan runId={run.id} plan={parsePlan(run.plan)} /></hx-partial>).toString());
      }
      if (finished) {
        const ledger = await runLedger(this.deps.db, run.id, 500);
        parts.push((<hx-partial hx-target={`#run-ledger-${run.id}:not([data-only])`} hx-swap="outerHTML"><RunLedger run={run} ledger={ledger} /></hx-partial>).toString());
      }
      if (!this.announced.has(run.id)) {
        this.announced.add(run.id);
        parts.push((<hx-partial hx-target="#run-rows[data-prepend]" hx-swap="afterbegin"><RunRow run={run} /></hx-partial>).toString());
      } else {
        parts.push((<hx-partial hx-target={`#run-row-${run.id}`} hx-swap="outerHTML"><RunRow run={run} /></hx-partial>).toString());
      }
      parts.push((<hx-partial hx-target="#sync-card-body" hx-swap="innerHTML"><SyncCardBody view={await this.card(run)} /></hx-partial>).toString());
      const lines = await runLogLines(this.deps.db, run.id, this.lastLogId.get(run.id) ?? 0);
      if (lines.length) {
        this.lastLogId.set(run.id, lines[lines.length - 1]!.id);
        parts.push((<hx-partial hx-target={`#run-log-${run.id}`} hx-swap="beforeend"><LogRows rows={lines} /></hx-partial>).toString());
      }
      bus.publish(RUNS_TOPIC, parts.join(''));
    } catch (err) {
      this.deps.log.debug({ component: 'sync', err: String(err) }, 'live run progress not published');
    }
  }

  /** The log store writes in batches: catch the last lines of a finished run a moment later. */
  publishLate(run: SyncRunRow, delayMs = 400): void {
    const t = setTimeout(() => void this.publish(run), delayMs);
    t.unref();
  }

  /** A page that loaded the first lines itself starts the live lines after them. */
  seenUpTo(runId: number, logId: number): void {
    this.lastLogId.set(runId, Math.max(this.lastLogId.get(runId) ?? 0, logId));
    this.announced.add(runId);
  }
}
