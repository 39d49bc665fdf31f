/**
 * The life of one webhook event as steps with times: received, decided, each write sent to
 * Trakt and its answer. Built from the event row and its ledger rows (the ledger writes an
 * `intent` just before each request and settles it with the answer). Pure.
 */
import type { LedgerRow } from '../db/tables/ledger.js';
import type { WebhookEventRow } from '../db/tables/webhooks.js';

export interface TimelineStep {
  kind: 'received' | 'decided' | 'sent' | 'answered' | 'waiting';
  at: number | null;
  text: string;
  tone?: 'ok' | 'bad';
}

const PATHS: Record<string, string> = {
  'scrobble.start': 'POST /scrobble/start',
  'scrobble.pause': 'POST /scrobble/pause',
  'scrobble.stop': 'POST /scrobble/stop',
  'history.add': 'POST /sync/history',
  'history.remove': 'POST /sync/history/remove',
  'rating.add': 'POST /sync/ratings',
  'rating.remove': 'POST /sync/ratings/remove',
};

const OUTCOME_WORDS: Record<string, string> = {
  scrobble: 'scrobbled',
  start: 'started watching',
  pause: 'paused',
  conflict: 'already scrobbled (409)',
  not_found: 'not found on Trakt',
  added: 'added',
  removed: 'removed',
};

function answered(row: LedgerRow): TimelineStep {
  const words = row.outcome ? (OUTCOME_WORDS[row.outcome] ?? row.outcome) : row.status;
  const pct = row.progress !== null && (row.outcome === 'scrobble' || row.outcome === 'start' || row.outcome === 'pause') ? ` at ${Math.round(row.progress * 10) / 10} %` : '';
  const error = row.status === 'failed' && row.error ? `: ${row.error}` : '';
  return { kind: 'answered', at: row.updated_at, text: `${words}${pct}${error}`, tone: row.status === 'sent' ? 'ok' : 'bad' };
}

export function eventTimeline(e: WebhookEventRow, ledger: LedgerRow[]): TimelineStep[] {
  const steps: TimelineStep[] = [{ kind: 'received', at: e.received_at, text: `${e.event}${e.server_title ? ` from ${e.server_title}` : ''}` }];
  const writes = ledger.filter((r) => r.target === 'trakt');
  if (e.status !== 'pending' || writes.length) {
    // The worker writes its first intent at the moment it decided; without a write, when it finished.
    const decidedAt = writes[0]?.created_at ?? e.processed_at;
    steps.push({ kind: 'decided', at: decidedAt, text: `${e.status}${e.reason ? `: ${e.reason}` : ''}`, tone: e.status === 'failed' ? 'bad' : undefined });
  }
  for (const r of writes) {
    steps.push({ kind: 'sent', at: r.created_at, text: `${PATHS[r.action] ?? r.action}${r.title ? ` for ${r.title}` : ''}` });
    if (r.status !== 'intent') steps.push(answered(r));
    else steps.push({ kind: 'answered', at: null, text: 'no answer yet: Trakt’s history is checked before anything is sent again' });
  }
  if (e.status === 'pending' && e.attempts > 0) {
    steps.push({ kind: 'waiting', at: e.next_attempt_at, text: `attempt ${e.attempts + 1} is due${e.reason ? ` (last: ${e.reason})` : ''}`, tone: 'bad' });
  }
  return steps;
}

/** "+0.8 s", "+12 s", "+3 min" after the first step. */
export function offsetText(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `+${s.toFixed(1)} s`;
  if (s < 120) return `+${Math.round(s)} s`;
  return `+${Math.round(s / 60)} min`;
}
