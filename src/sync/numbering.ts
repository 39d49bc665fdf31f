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
  const account = cols.has('account_id') ? 'AND h.account_id = @account' : '';
  const pick = (col: string) =>
    ['tvdb', 'tmdb', 'imdb'].map((id) => `(SELECT h.${col} FROM trakt_history h WHERE h.episode_${id} = p.${id} ${account} LIMIT 1)`).join(', ');
  const res = sqlite
    .prepare(
      `UPDATE plex_items AS p SET trakt_season = COALESCE(${pick('season')}, p.season), trakt_number = COALESCE(${pick('number')}, p.number)
       WHERE p.server_id = @server AND p.type = 'episode' AND (p.tvdb IS NOT NULL OR p.tmdb IS NOT NULL OR p.imdb IS NOT NULL)`,
    )
    .run({ server: serverId, account: accountId });
  return res.changes;
}
