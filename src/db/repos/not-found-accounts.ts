/**
 * Which Trakt accounts said `not_found` for the Unmatched page's items (while that memory
 * holds), so the page can name whose Trakt account it was in a household: Trakt's catalogue is
 * the same for everyone, but each account asked on its own, and the memory is per account.
 */
import { sql } from 'kysely';
import type { Db } from '../database.js';
import { notFoundCutoff, notFoundHolds } from '../../ledger/not-found.js';

/** `server_id:rating_key` → the Trakt account ids whose not_found holds for that item. */
export async function notFoundAccountsOf(db: Db, items: Array<{ server_id: string; rating_key: string }>, now = Date.now()): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (items.length === 0) return out;
  const holds = sql.raw(notFoundHolds('n', notFoundCutoff(now)));
  const pairs = sql.join(items.map((i) => sql`(${i.server_id}, ${i.rating_key})`));
  const rows = await sql<{ server_id: string; rating_key: string; account_id: number }>`
    SELECT p.server_id, p.rating_key, n.account_id FROM plex_items p
    JOIN trakt_not_found n ON n.item_key = p.item_key AND n.ids_hash = p.ids_hash
    WHERE (p.server_id, p.rating_key) IN (VALUES ${pairs}) AND ${holds}
    ORDER BY n.account_id`.execute(db);
  for (const r of rows.rows) {
    const key = `${r.server_id}:${r.rating_key}`;
    out.set(key, [...(out.get(key) ?? []), r.account_id]);
  }
  return out;
}
