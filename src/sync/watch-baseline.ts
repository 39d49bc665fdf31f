/**
 * The watch baseline behind "Mirror un-watching": per item, whether the last real run
 * (not a dry run) saw it watched in Plex and on Trakt. It is written at the end of a run
 * that completed its writes, from both mirrors as they stand after those writes. A removal
 * that was planned but not done keeps the item's old row, so the next run sees the same
 * transition and tries again. With the option off the baseline is dropped, so turning it
 * on starts with a run that only takes note.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { onTrakt } from './plan-sql.js';

export interface BaselineUpdate {
  serverId: string;
  accountId: number;
  /** On: record what this run leaves; off: forget everything. */
  on: boolean;
  runId: number;
  /** Item keys of the removals this run planned. */
  plannedRemovals: string[];
}

/** Planned removals the run did not complete (its ledger rows say so, or it has none). */
function unfinished(sqlite: BetterSqlite3.Database, u: BaselineUpdate): string[] {
  const planned = u.plannedRemovals;
  // Only this person's rows: a run covers several people, and their items overlap.
  const rows = sqlite
    .prepare(
      `SELECT item_key, status, outcome FROM ledger
       WHERE source = 'sync' AND source_id = @run AND action IN ('history.remove', 'plex.unwatched')
         AND ((target = 'trakt' AND account_id = @account) OR (target = 'plex' AND substr(plex_key, 1, length(@server) + 1) = @server || ':'))`,
    )
    .all({ run: u.runId, account: u.accountId, server: u.serverId }) as Array<{ item_key: string; status: string; outcome: string | null }>;
  const done = new Set<string>();
  const failed = new Set<string>();
  for (const r of rows) {
    // Trakt's not_found on a removal: there is nothing left to remove.
    if (r.status === 'sent' || r.outcome === 'not_found') done.add(r.item_key);
    else failed.add(r.item_key);
  }
  return [...new Set(planned)].filter((k) => failed.has(k) || !done.has(k));
}

export function updateWatchBaseline(sqlite: BetterSqlite3.Database, u: BaselineUpdate): void {
  const params = { server: u.serverId, account: u.accountId };
  if (!u.on) {
    sqlite.prepare('DELETE FROM sync_watch_baseline WHERE server_id = @server AND account_id = @account').run(params);
    return;
  }
  const keep = JSON.stringify(unfinished(sqlite, u));
  sqlite.transaction(() => {
    sqlite
      .prepare('DELETE FROM sync_watch_baseline WHERE server_id = @server AND account_id = @account AND item_key NOT IN (SELECT value FROM json_each(@keep))')
      .run({ ...params, keep });
    for (const type of ['movie', 'episode'] as const) {
      sqlite
        .prepare(
          `INSERT OR IGNORE INTO sync_watch_baseline (server_id, account_id, item_key, plex_watched, trakt_watched)
           SELECT @server, @account, item_key, MAX(plex), MAX(trakt) FROM (
             SELECT p.item_key, p.view_count > 0 AS plex, ${onTrakt('trakt_watched', type)} AS trakt
             FROM plex_items p WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL)
           GROUP BY item_key HAVING MAX(plex) = 1 OR MAX(trakt) = 1`,
        )
        .run(params);
    }
  })();
}
