/**
 * Rows in `intent` may or may not have reached Trakt or Plex: a write whose answer was lost
 * (a 502, a time-out, a cut connection, an unreadable 2xx) or a crash before the answer came.
 * One mechanism settles both, by reading the other side before anything is sent again:
 * Trakt plays by its history around their time (src/ledger/trakt-history-read.ts), Plex marks
 * by the item's viewCount/lastViewedAt. Found → `sent`; absent → `failed` with a probe outcome
 * (PROBE_ABSENT_OUTCOMES), which frees the item to be sent again. Writes that are safe to
 * repeat (ratings, scrobble start/pause, a removal the next run re-plans from a fresh read of
 * Trakt) are failed without a read.
 *
 * Only rows nobody is writing are settled: the caller names its own kind (the event worker
 * at start: `webhook`; a sync: `sync` rows of runs no longer running), and each settle is
 * compare-and-set, so a row its writer settled meanwhile keeps that answer (`skipped`).
 */
import type { Db } from '../db/database.js';
import type { LedgerRow } from '../db/tables/ledger.js';
import { settle, unsettledIntents, type IntentScope, type Settlement } from './repo.js';
import type { HistoryProbe } from './trakt-history-read.js';

export type { HistoryProbe } from './trakt-history-read.js';

export const SETTLE_WINDOW_MS = 5 * 60 * 1000;

export interface SettleCounts {
  found: number;
  absent: number;
  other: number;
  /** Settled by their own writer while we read: left as that writer settled them. */
  skipped: number;
}

/** Why the rows are being settled: the words their outcomes carry. */
export type SettleCause = 'restart' | 'retry' | 'lost answer';

const isPlay = (row: LedgerRow) => row.action === 'history.add' || row.action === 'scrobble.stop';

/**
 * Settles Trakt rows by reading Trakt's history once for all of them (grouped by time).
 * Throws when Trakt cannot be read: the rows stay `intent` and the next settle tries again.
 */
export async function settleTraktRows(db: Db, probe: HistoryProbe, rows: LedgerRow[], cause: SettleCause): Promise<SettleCounts & { foundIds: number[] }> {
  const result = { found: 0, absent: 0, other: 0, skipped: 0, foundIds: [] as number[] };
  if (rows.length === 0) return result;
  const plays = rows.filter(isPlay);
  const checks = plays.length ? await probe(plays, SETTLE_WINDOW_MS) : new Map();
  const settlements: Settlement[] = [];
  const kinds = new Map<number, 'found' | 'absent' | 'other'>();
  for (const row of rows) {
    if (!isPlay(row)) {
      settlements.push({ id: row.id, status: 'failed', outcome: cause === 'lost answer' ? 'answer lost' : 'interrupted', error: interruptedSentence(cause) });
      kinds.set(row.id, 'other');
      continue;
    }
    const check = checks.get(row.id) ?? { found: false };
    if (check.found) {
      // A scrobble's play is recorded as outcome 'scrobble', which is what the exactly-once rules read.
      settlements.push({ id: row.id, status: 'sent', outcome: row.action === 'scrobble.stop' ? 'scrobble' : `found after ${cause}`, traktHistoryId: check.historyId ?? null });
      kinds.set(row.id, 'found');
    } else {
      settlements.push({ id: row.id, status: 'failed', outcome: `absent after ${cause}`, error: absentSentence(cause) });
      kinds.set(row.id, 'absent');
    }
  }
  const written = await settle(db, settlements);
  const skipped = new Set(written.skippedIds);
  for (const [id, kind] of kinds) {
    if (skipped.has(id)) result.skipped++;
    else {
      result[kind]++;
      if (kind === 'found') result.foundIds.push(id);
    }
  }
  return result;
}

function interruptedSentence(cause: SettleCause): string {
  if (cause === 'lost answer') return "Trakt's answer was lost; this write is safe to repeat and is sent again when next needed";
  return cause === 'restart' ? 'interrupted by a restart before Trakt answered' : 'no answer from Trakt';
}

function absentSentence(cause: SettleCause): string {
  if (cause === 'lost answer') return "Trakt's answer was lost, and Trakt's history shows the play did not land";
  return cause === 'restart' ? 'the service stopped before Trakt answered; the play is not on Trakt' : 'no answer from Trakt, and the play is not on Trakt';
}

/**
 * Settles the Trakt intents in `scope`. Callers pass their own source so they never settle
 * another writer's in-flight rows; `source: 'sync'` always leaves out runs still running.
 */
export async function settleIntents(db: Db, probe: HistoryProbe, scope: IntentScope = {}): Promise<SettleCounts> {
  const rows = await unsettledIntents(db, 'trakt', { ...scope, finishedRunsOnly: scope.finishedRunsOnly || scope.source === 'sync' });
  const { foundIds: _ids, ...counts } = await settleTraktRows(db, probe, rows, 'restart');
  return counts;
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
 * Settles Plex rows by reading each item: a `plex.watched` landed when the item is watched; a `plex.unwatched`
 * when its view count is 0; a rating when it holds the value. A read that fails leaves the row.
 */
export async function settlePlexRows(db: Db, read: PlexItemReader, rows: LedgerRow[], cause: SettleCause): Promise<{ found: number; absent: number; unread: number }> {
  const out = { found: 0, absent: 0, unread: 0 };
  const settlements: Settlement[] = [];
  for (const row of rows) {
    const ratingKey = row.plex_key?.split(':').pop();
    let state: PlexItemState | null;
    try {
      state = ratingKey ? await read(ratingKey) : null;
    } catch {
      out.unread++;
      continue;
    }
    const landed = !!state && plexWriteLanded(row, state);
    if (landed) {
      settlements.push({ id: row.id, status: 'sent', outcome: `found after ${cause}` });
      out.found++;
    } else {
      settlements.push({ id: row.id, status: 'failed', outcome: `absent after ${cause}`, error: state ? 'Plex was read: the change is not there' : 'Plex no longer has this item' });
      out.absent++;
    }
  }
  await settle(db, settlements);
  return out;
}

function plexWriteLanded(row: LedgerRow, s: PlexItemState): boolean {
  // The sync marks only items Plex had as unwatched: watched now means the mark landed (or the
  // user watched it meanwhile); either way a second mark would add a second view.
  if (row.action === 'plex.watched') return s.viewCount > 0;
  if (row.action === 'plex.unwatched') return s.viewCount === 0;
  if (row.action === 'plex.rate') return s.userRating === row.rating;
  return false;
}

/**
 * Plex writes a sync left in `intent` when its process died: each item is read (the same
 * reading as after a lost answer); what did not land is planned again by the next run.
 * Only rows of runs no longer running.
 */
export async function settlePlexIntents(db: Db, read: PlexItemReader | undefined, exceptRunId?: number, plexAccountId?: number): Promise<{ found: number; interrupted: number; skipped: number }> {
  // `plexAccountId`: only that person's marks (their token reads their state; another's would be misread).
  const rows = await unsettledIntents(db, 'plex', { source: 'sync', finishedRunsOnly: true, exceptRunId, accountId: plexAccountId });
  if (rows.length === 0) return { found: 0, interrupted: 0, skipped: 0 };
  if (read) {
    const r = await settlePlexRows(db, read, rows, 'restart');
    return { found: r.found, interrupted: r.absent, skipped: r.unread };
  }
  const written = await settle(
    db,
    rows.map((r) => ({ id: r.id, status: 'failed' as const, outcome: 'interrupted', error: 'the sync stopped before Plex answered; the next run writes it again' })),
  );
  return { found: 0, interrupted: written.updated, skipped: written.skipped };
}
