/**
 * Episodes that Trakt numbers differently from Plex (absolute vs aired order, specials):
 * the Trakt history mirror (`trakt_history`, engineer E's table) knows, for each episode it
 * holds, the episode's own ids and Trakt's season/number. Where it has a Plex episode's ids,
 * the plan compares with Trakt's numbering instead of Plex's. Without that table (or those
 * columns) Plex's numbering is used as is.
 */
import type BetterSqlite3 from 'better-sqlite3';

const NEEDED = ['episode_tvdb', 'episode_tmdb', 'episode_imdb', 'season', 'number'];

export function remapEpisodeNumbering(sqlite: BetterSqlite3.Database, serverId: string, accountId: number): number {
  const cols = new Set((sqlite.prepare(`SELECT name FROM pragma_table_info('trakt_history')`).all() as Array<{ name: string }>).map((r) => r.name));
  if (!NEEDED.every((c) => cols.has(c))) return 0;
  const hasAccount = cols.has('account_id');
  const account = hasAccount ? 'AND h.account_id = @account' : '';
  const params = { server: serverId, account: accountId };
  const any = sqlite.prepare(`SELECT 1 FROM trakt_history h WHERE h.episode_tvdb IS NOT NULL ${hasAccount ? 'AND h.account_id = @account' : ''} LIMIT 1`).get(hasAccount ? { account: accountId } : {});
  if (!any) return 0;
  const pick = (col: string) =>
    ['tvdb', 'tmdb', 'imdb'].map((id) => `(SELECT h.${col} FROM trakt_history h WHERE h.episode_${id} = p.${id} ${account} LIMIT 1)`).join(', ');
  // Only rows whose Trakt numbering differs from what they hold are written (one EXISTS per id, each indexed).
  const differs = ['tvdb', 'tmdb', 'imdb']
    .map((id) => `EXISTS (SELECT 1 FROM trakt_history h WHERE h.episode_${id} = p.${id} ${account} AND (h.season IS NOT p.trakt_season OR h.number IS NOT p.trakt_number))`)
    .join(' OR ');
  const res = sqlite
    .prepare(
      `UPDATE plex_items AS p SET trakt_season = COALESCE(${pick('season')}, p.season), trakt_number = COALESCE(${pick('number')}, p.number)
       WHERE p.server_id = @server AND p.type = 'episode' AND (${differs})`,
    )
    .run(params);
  return res.changes;
}
