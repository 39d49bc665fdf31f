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
import { COLS, onTrakt, toItem, type PlanItem, type Row } from './plan-sql.js';
import type { SyncSettings } from './settings.js';

export interface ShowIds {
  imdb?: string | null;
  tmdb?: number | null;
  tvdb?: number | null;
}

const BASE = `JOIN sync_watch_baseline b ON b.server_id = p.server_id AND b.account_id = @account AND b.item_key = p.item_key`;

function ofResetShow(r: Row, shows: ShowIds[]): boolean {
  return shows.some((s) => (!!s.tvdb && s.tvdb === r.show_tvdb) || (!!s.tmdb && s.tmdb === r.show_tmdb) || (!!s.imdb && s.imdb === r.show_imdb));
}

export function planUnwatch(
  sqlite: BetterSqlite3.Database,
  accountId: number,
  serverId: string,
  settings: Pick<SyncSettings, 'toTrakt' | 'toPlex'>,
  resetShows: ShowIds[] = [],
): { fromTrakt: PlanItem[]; unwatchInPlex: PlanItem[] } {
  const params = { account: accountId, server: serverId };
  const out = { fromTrakt: [] as PlanItem[], unwatchInPlex: [] as PlanItem[] };
  for (const type of ['movie', 'episode'] as const) {
    if (settings.toTrakt) {
      // Item level: every copy (editions, libraries) of it is unwatched now.
      const rows = sqlite
        .prepare(
          `SELECT * FROM (
             SELECT ${COLS}, MAX(p.last_viewed_at) AS last_viewed_at, MAX(p.view_count > 0) AS plex_now, MAX(${onTrakt('trakt_watched', type)}) AS trakt_now
             FROM plex_items p ${BASE} AND b.plex_watched = 1
             WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL
             GROUP BY p.item_key)
           WHERE plex_now = 0 AND trakt_now = 1 ORDER BY item_key`,
        )
        .all(params) as Row[];
      out.fromTrakt.push(...rows.map(toItem));
    }
    if (settings.toPlex) {
      const rows = sqlite
        .prepare(
          `SELECT ${COLS}, p.last_viewed_at FROM plex_items p ${BASE} AND b.plex_watched = 1 AND b.trakt_watched = 1
           WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL AND p.view_count > 0
             AND NOT ${onTrakt('trakt_watched', type)}
           ORDER BY p.item_key, p.rating_key`,
        )
        .all(params) as Row[];
      out.unwatchInPlex.push(...rows.filter((r) => type !== 'episode' || !ofResetShow(r, resetShows)).map(toItem));
    }
  }
  return out;
}
