/**
 * How a finished sync run becomes a notification (and a ping when it was scheduled). The
 * guard calls raiseAwaitingApproval when it holds a run; a run that ends with that status
 * raises it here too (folding keeps it to one message).
 */
import type { Notifier } from './notifier.js';

export interface FinishedRun {
  id: number;
  status: string;
  error: string | null;
  trigger?: string;
  dry_run?: number;
  added_to_trakt?: number;
  marked_in_plex?: number;
}

export function raiseAwaitingApproval(notifier: Notifier | undefined, runId: number, reason?: string): void {
  notifier?.raise('sync.awaiting_approval', { runId, reason });
}

export function raiseRunOutcome(notifier: Notifier | undefined, run: FinishedRun): void {
  if (!notifier) return;
  const base = { runId: run.id, trigger: run.trigger };
  switch (run.status) {
    case 'failed':
      notifier.raise('sync.failed', { ...base, error: run.error });
      break;
    case 'partial':
      notifier.raise('sync.partial', { ...base, error: run.error });
      break;
    case 'awaiting_approval':
      raiseAwaitingApproval(notifier, run.id, run.error ?? undefined);
      break;
    case 'succeeded':
      if (run.dry_run) return; // a dry run changed nothing worth a message
      notifier.raise('sync.succeeded', { ...base, summary: `${run.added_to_trakt ?? 0} plays added to Trakt, ${run.marked_in_plex ?? 0} items marked watched in Plex.` });
      break;
  }
}
