/**
 * After a crash, rows left in `intent` may or may not have reached Trakt. Before anything
 * is re-sent, each one is settled by reading Trakt's history around its watched_at:
 * found → `sent` (outcome 'found after restart'); absent → `failed` (outcome 'absent after
 * restart'), which frees the item to be sent again by the next sync or event retry.
 * Non-play intents (ratings, start/pause) are harmless to repeat and are failed directly.
 *
 * Only rows nobody is writing are settled: the caller names its own kind (the event worker
 * at start: `webhook`; a sync: `sync` rows of runs no longer running), and each settle is
 * compare-and-set, so a row its writer settled meanwhile keeps that answer (`skipped`).
 */
import type { Db } from '../db/database.js';
import type { LedgerRow } from '../db/tables/ledger.js';
import { settle, unsettledIntents, type IntentScope, type Settlement } from './repo.js';

/** Asks Trakt whether a play of `row`'s item exists within ±window of its watched_at. */
export type HistoryProbe = (row: LedgerRow, windowMs: number) => Promise<{ found: boolean; historyId?: number }>;

export const SETTLE_WINDOW_MS = 5 * 60 * 1000;

export interface SettleCounts {
  found: number;
  absent: number;
  other: number;
  /** Settled by their own writer while we probed: left as that writer settled them. */
  skipped: number;
}

/**
 * Settles the Trakt intents in `scope`. Callers pass their own source so they never settle
 * another writer's in-flight rows; `source: 'sync'` always leaves out runs still running.
 */
export async function settleIntents(db: Db, probe: HistoryProbe, scope: IntentScope = {}): Promise<SettleCounts> {
  const rows = await unsettledIntents(db, 'trakt', { ...scope, finishedRunsOnly: scope.finishedRunsOnly || scope.source === 'sync' });
  const result: SettleCounts = { found: 0, absent: 0, other: 0, skipped: 0 };
  const settlements: Settlement[] = [];
  const kinds = new Map<number, 'found' | 'absent' | 'other'>();
  for (const row of rows) {
    const isPlay = row.action === 'history.add' || row.action === 'scrobble.stop';
    if (!isPlay) {
      settlements.push({ id: row.id, status: 'failed', outcome: 'interrupted', error: 'interrupted by a restart before Trakt answered' });
      kinds.set(row.id, 'other');
      continue;
    }
    // A scrobble stamps "now" at Trakt, not watched_at: probe around when we sent it.
    const probeRow = row.action === 'scrobble.stop' ? { ...row, watched_at: row.created_at } : row;
    const answer = await probe(probeRow, SETTLE_WINDOW_MS);
    if (answer.found) {
      settlements.push({ id: row.id, status: 'sent', outcome: row.action === 'scrobble.stop' ? 'scrobble' : 'found after restart', traktHistoryId: answer.historyId ?? null });
      kinds.set(row.id, 'found');
    } else {
      settlements.push({ id: row.id, status: 'failed', outcome: 'absent after restart', error: 'the service stopped before Trakt answered; the play is not on Trakt' });
      kinds.set(row.id, 'absent');
    }
  }
  const written = await settle(db, settlements);
  const skipped = new Set(written.skippedIds);
  for (const [id, kind] of kinds) {
    if (skipped.has(id)) result.skipped++;
    else result[kind]++;
  }
  return result;
}

/** What Plex says of one item now, for settling a mark whose answer was lost. */
export interface PlexItemState {
  viewCount: number;
  lastViewedAt: number | null;
  userRating: number | null;
}

/** Reads one item's state from the Plex server (null: the server no longer has it). */
export type PlexItemReader = (ratingKey: string) => Promise<PlexItemState | null>;

/**
 * Plex writes (mark watched, rate) a sync left in `intent` when its process died: marking
 * watched and rating are idempotent in Plex, so they are failed ('interrupted') without a
 * probe, and the next plan includes those items again. Only rows of runs no longer running.
 */
export async function settlePlexIntents(db: Db, exceptRunId?: number): Promise<{ interrupted: number; skipped: number }> {
  const rows = await unsettledIntents(db, 'plex', { source: 'sync', finishedRunsOnly: true, exceptRunId });
  const written = await settle(
    db,
    rows.map((r) => ({ id: r.id, status: 'failed' as const, outcome: 'interrupted', error: 'the sync stopped before Plex answered; the next run writes it again' })),
  );
  return { interrupted: written.updated, skipped: written.skipped };
}
