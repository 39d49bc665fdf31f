/** Where the Trakt history mirror of each account stands (`trakt_history_state`). */
import type { Db } from '../database.js';
import type { HistoryStateRow } from '../tables/history.js';

export type HistoryStatePatch = Partial<Omit<HistoryStateRow, 'account_id' | 'updated_at'>>;

export async function getHistoryState(db: Db, accountId: number): Promise<HistoryStateRow | undefined> {
  return db.selectFrom('trakt_history_state').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

export async function saveHistoryState(db: Db, accountId: number, patch: HistoryStatePatch, now = Date.now()): Promise<void> {
  await db
    .insertInto('trakt_history_state')
    .values({ account_id: accountId, phase: 'empty', fill_pages_done: 0, fill_items_done: 0, ...patch, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ ...patch, updated_at: now }))
    .execute();
}

/** Connected Trakt accounts whose mirror was never started (no state row yet): each needs its first fill. */
export async function accountsWithoutMirror(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('trakt_accounts as a')
    .leftJoin('trakt_history_state as s', 's.account_id', 'a.id')
    .select('a.id')
    .where('a.status', '=', 'connected')
    .where('s.account_id', 'is', null)
    .orderBy('a.id')
    .execute();
  return rows.map((r) => r.id);
}

/** The watched_at activity times the mirror last agreed with. */
export interface ActivityMarks {
  movies: string | null;
  episodes: string | null;
}

export function parseActivities(text: string | null | undefined): ActivityMarks | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as ActivityMarks;
    return { movies: v.movies ?? null, episodes: v.episodes ?? null };
  } catch {
    return undefined;
  }
}
