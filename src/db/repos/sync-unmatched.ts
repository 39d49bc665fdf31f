/** Items the sync cannot write: unmatched in Plex (no usable ids) or unknown to Trakt (not_found). */
import { sql } from 'kysely';
import type { Db } from '../database.js';
import { REASONS } from '../../sync/match.js';

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

const WHERE = sql`(p.unmatched_reason IS NOT NULL OR EXISTS (
  SELECT 1 FROM trakt_not_found n WHERE n.item_key = p.item_key AND n.ids_hash = p.ids_hash))`;

export async function listUnmatched(db: Db, opts: { limit: number; offset: number }): Promise<{ rows: UnmatchedItem[]; total: number }> {
  const rows = await sql<UnmatchedItem>`
    SELECT p.server_id, p.rating_key, p.type, p.title, p.show_title, p.season, p.number, p.year, p.guid, p.section_id,
      COALESCE(p.unmatched_reason, ${REASONS.notFound}) AS reason
    FROM plex_items p WHERE ${WHERE}
    ORDER BY p.type DESC, COALESCE(p.show_title, p.title), p.season, p.number, p.rating_key
    LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(db);
  const total = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM plex_items p WHERE ${WHERE}`.execute(db);
  return { rows: rows.rows, total: Number(total.rows[0]?.n ?? 0) };
}
