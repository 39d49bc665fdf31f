/**
 * "Mirror un-watching" (off unless the user turns it on): removals planned only from
 * transitions a run observes against the watch baseline (watch-baseline.ts), never from
 * a state alone, so nothing is removed on the first run or for an item never seen watched.
 *
 * - Seen watched in Plex last time, unwatched in Plex now, watched on Trakt → remove its
 *   plays from Trakt history (needs Plex → Trakt on).
 * - Seen watched on both sides last time, gone from Trakt's watched list now, still watched
 *   in Plex → mark it unwatched in Plex (needs Trakt → Plex on). Episodes of a show whose
 *   progress Trakt reset (a re-watch) are not "gone": their plays are still there.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { COLS, onTrakt } from './plan-sql.js';
import { insertPlanRows, type PlanRef } from './plan-store.js';
import type { SyncSettings } from './settings.js';

export interface ShowIds {
  imdb?: string | null;
  tmdb?: number | null;
  tvdb?: number | null;
}

const BASE = `JOIN sync_watch_baseline b ON b.server_id = p.server_id AND b.account_id = @account AND b.item_key = p.item_key`;

/** Episodes of a show whose progress Trakt reset are not "gone" (their plays are still there). */
function notOfResetShow(shows: ShowIds[]): { sql: string; params: Record<string, string> } {
  const of = (k: keyof ShowIds) => JSON.stringify(shows.map((s) => s[k]).filter((v) => !!v));
  return {
    sql: `NOT (COALESCE(p.show_tvdb IN (SELECT value FROM json_each(@resetTvdb)), 0) OR COALESCE(p.show_tmdb IN (SELECT value FROM json_each(@resetTmdb)), 0)
      OR COALESCE(p.show_imdb IN (SELECT value FROM json_each(@resetImdb)), 0))`,
    params: { resetTvdb: of('tvdb'), resetTmdb: of('tmdb'), resetImdb: of('imdb') },
  };
}

/** Plans the removals into the run's plan (plan-store.ts): lists `fromTrakt` and `unwatchInPlex`. */
export function planUnwatch(
  sqlite: BetterSqlite3.Database,
  ref: PlanRef,
  accountId: number,
  serverId: string,
  settings: Pick<SyncSettings, 'toTrakt' | 'toPlex'>,
  resetShows: ShowIds[] = [],
): void {
  const reset = notOfResetShow(resetShows);
  const params = { account: accountId, server: serverId };
  for (const type of ['movie', 'episode'] as const) {
    if (settings.toTrakt) {
      // Item level: every copy (editions, libraries) of it is unwatched now.
      insertPlanRows(
        sqlite,
        ref,
        `SELECT 'fromTrakt' AS list, 0 AS sort_at, * FROM (
           SELECT ${COLS}, MAX(p.last_viewed_at) AS last_viewed_at, MAX(p.view_count > 0) AS plex_now, MAX(${onTrakt('trakt_watched', type)}) AS trakt_now
           FROM plex_items p ${BASE} AND b.plex_watched = 1
           WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL
           GROUP BY p.item_key)
         WHERE plex_now = 0 AND trakt_now = 1`,
        params,
        'item_key',
      );
    }
    if (settings.toPlex) {
      insertPlanRows(
        sqlite,
        ref,
        `SELECT 'unwatchInPlex' AS list, 0 AS sort_at, ${COLS}, p.last_viewed_at FROM plex_items p ${BASE} AND b.plex_watched = 1 AND b.trakt_watched = 1
         WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL AND p.view_count > 0
           AND NOT ${onTrakt('trakt_watched', type)}${type === 'episode' ? ` AND ${reset.sql}` : ''}`,
        type === 'episode' ? { ...params, ...reset.params } : params,
        'item_key, rating_key',
      );
    }
  }
}
