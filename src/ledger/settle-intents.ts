/**
 * After a crash, rows left in `intent` may or may not have reached Trakt. Before anything
 * is re-sent, each one is settled by reading Trakt's history around its watched_at:
 * found → `sent` (outcome 'found after restart'); absent → `failed` (outcome 'absent after
 * restart'), which frees the item to be sent again by the next sync or event retry.
 * Non-play intents (ratings, start/pause) are harmless to repeat and are failed directly.
 */
import type { Db } from '../db/database.js';
import type { LedgerRow } from '../db/tables/ledger.js';
import { settle, unsettledIntents, type Settlement } from './repo.js';

/** Asks Trakt whether a play of `row`'s item exists within ±window of its watched_at. */
export type HistoryProbe = (row: LedgerRow, windowMs: number) => Promise<{ found: boolean; historyId?: number }>;

export const SETTLE_WINDOW_MS = 5 * 60 * 1000;

export async function settleIntents(db: Db, probe: HistoryProbe, accountId?: number): Promise<{ found: number; absent: number; other: number }> {
  const rows = (await unsettledIntents(db, 'trakt')).filter((r) => accountId === undefined || r.account_id === accountId);
  const result = { found: 0, absent: 0, other: 0 };
  const settlements: Settlement[] = [];
  for (const row of rows) {
    const isPlay = row.action === 'history.add' || row.action === 'scrobble.stop';
    if (!isPlay) {
      settlements.push({ id: row.id, status: 'failed', outcome: 'interrupted', error: 'interrupted by a restart before Trakt answered' });
      result.other++;
      continue;
    }
    // A scrobble stamps "now" at Trakt, not watched_at: probe around when we sent it.
    const probeRow = row.action === 'scrobble.stop' ? { ...row, watched_at: row.created_at } : row;
    const answer = await probe(probeRow, SETTLE_WINDOW_MS);
    if (answer.found) {
      settlements.push({ id: row.id, status: 'sent', outcome: row.action === 'scrobble.stop' ? 'scrobble' : 'found after restart', traktHistoryId: answer.historyId ?? null });
      result.found++;
    } else {
      settlements.push({ id: row.id, status: 'failed', outcome: 'absent after restart', error: 'the service stopped before Trakt answered; the play is not on Trakt' });
      result.absent++;
    }
  }
  await settle(db, settlements);
  return result;
}
