/** Items the sync cannot write: unmatched in Plex (no usable ids) or unknown to Trakt (not_found). */
import { sql } from 'kysely';
import type { Db } from '../database.js';
import { REASONS } from '../../sync/match.js';
import { notFoundCutoff, notFoundHolds } from '../../ledger/not-found.js';

export interface UnmatchedItem {
  server_id: string;
  rating_key: string;
  type: string;
  title: string;
  show_title: string | null;
  season: number | null;
  number: number | null;
  year: number | null;
  guid: string | null;
  section_id: string;
  reason: string;
}

/**
 * The one meaning of "unmatched" (the page, its count on the dashboard, a run's count): Plex
 * items without ids Trakt can use, plus items Trakt said not_found for while that memory holds.
 */
const where = (now: number) => {
  const holds = sql.raw(notFoundHolds('n', notFoundCutoff(now)));
  // The IN list is built once (and meets plex_items' item_key index); the EXISTS then checks the ids of those few rows.
  // Another person's copy of an item (scope `<server>~<plexAccountId>`, src/sync/scope.ts) is the same
  // library item: listed once, as the owner's row, when the owner's mirror has it.
  return sql`(p.unmatched_reason IS NOT NULL OR (p.item_key IN (SELECT n.item_key FROM trakt_not_found n WHERE ${holds})
    AND EXISTS (SELECT 1 FROM trakt_not_found n WHERE n.item_key = p.item_key AND n.ids_hash = p.ids_hash AND ${holds})))
    AND (instr(p.server_id, '~') = 0 OR NOT EXISTS (SELECT 1 FROM plex_items o WHERE o.server_id = substr(p.server_id, 1, instr(p.server_id, '~') - 1) AND o.rating_key = p.rating_key))`;
};

export async function countUnmatched(db: Db, now = Date.now()): Promise<number> {
  const total = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM plex_items p WHERE ${where(now)}`.execute(db);
  return Number(total.rows[0]?.n ?? 0);
}

export async function listUnmatched(db: Db, opts: { limit: number; offset: number; now?: number }): Promise<{ rows: UnmatchedItem[]; total: number }> {
  const now = opts.now ?? Date.now();
  const rows = await sql<UnmatchedItem>`
    SELECT p.server_id, p.rating_key, p.type, p.title, p.show_title, p.season, p.number, p.year, p.guid, p.section_id,
      COALESCE(p.unmatched_reason, ${REASONS.notFound}) AS reason
    FROM plex_items p WHERE ${where(now)}
    ORDER BY p.type DESC, COALESCE(p.show_title, p.title), p.season, p.number, p.rating_key
    LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(db);
  return { rows: rows.rows, total: await countUnmatched(db, now) };
}
