/**
 * How long a Trakt `not_found` is believed. Trakt's catalogue grows (new releases appear hours
 * after their ids exist elsewhere) and a 404 can be a passing fault, so the memory expires:
 * it holds for a day, a full sync asks again, Retry forgets it, and any write Trakt accepted
 * for the item since the 404 ends it. While it holds, the sync does not plan the item and the
 * Unmatched page lists it; webhook events always ask Trakt (one request per event).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export const NOT_FOUND_TTL_MS = 24 * 60 * 60 * 1000;

/** The oldest `at` that still holds: a full sync believes none of them. */
export function notFoundCutoff(now: number, full = false): number {
  return Math.floor(full ? now : now - NOT_FOUND_TTL_MS);
}

/**
 * SQL condition, over a `trakt_not_found` row aliased `alias`, true while the memory holds.
 * `cutoff` is a number computed here, never user input, so it is written into the text.
 */
export function notFoundHolds(alias: string, cutoff: number): string {
  return `(${alias}.at > ${Math.floor(cutoff)} AND NOT EXISTS (SELECT 1 FROM ledger a WHERE a.target = 'trakt'
    AND a.account_id = ${alias}.account_id AND a.item_key = ${alias}.item_key AND a.status = 'sent' AND a.updated_at >= ${alias}.at))`;
}

/** Forgets what Trakt did not know for these webhook events' items (the user pressed Retry). */
export async function forgetNotFoundOfEvents(db: Db, eventIds: number[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  const res = await sql`DELETE FROM trakt_not_found WHERE (account_id, item_key) IN (
    SELECT account_id, item_key FROM ledger WHERE source = 'webhook' AND outcome = 'not_found'
      AND source_id IN (${sql.join(eventIds)}) AND account_id IS NOT NULL AND item_key IS NOT NULL)`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
