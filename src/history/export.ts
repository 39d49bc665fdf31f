/**
 * The Trakt history mirror as CSV or JSON, for the user's own records. Rows are read in
 * keyset pages (newest first, by the (account, watched_at, history_id) index) and handed
 * out as text chunks: nothing is built in memory, and no statement stays open between
 * chunks (better-sqlite3 allows one running statement per connection, and webhooks must
 * not wait for a download).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { TraktHistoryTable } from '../db/tables/history.js';

const PAGE = 1000;

export const EXPORT_COLUMNS = [
  'history_id', 'watched_at', 'action', 'type', 'title', 'year', 'season', 'number', 'episode_title',
  'movie_trakt', 'movie_imdb', 'movie_tmdb', 'show_trakt', 'show_imdb', 'show_tmdb', 'show_tvdb',
  'episode_trakt', 'episode_imdb', 'episode_tmdb', 'episode_tvdb',
] as const;

type ExportRow = Pick<TraktHistoryTable, (typeof EXPORT_COLUMNS)[number]>;

/** Pages of plays, newest first; each call reads one page. */
export function* historyPages(sqlite: BetterSqlite3.Database, accountId: number): Generator<ExportRow[]> {
  const first = sqlite.prepare(`SELECT ${EXPORT_COLUMNS.join(', ')} FROM trakt_history WHERE account_id = ? ORDER BY watched_at DESC, history_id DESC LIMIT ${PAGE}`);
  const next = sqlite.prepare(
    `SELECT ${EXPORT_COLUMNS.join(', ')} FROM trakt_history WHERE account_id = ? AND (watched_at < ? OR (watched_at = ? AND history_id < ?))
     ORDER BY watched_at DESC, history_id DESC LIMIT ${PAGE}`,
  );
  let rows = first.all(accountId) as ExportRow[];
  while (rows.length) {
    yield rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    rows = next.all(accountId, last.watched_at, last.watched_at, last.history_id) as ExportRow[];
  }
}

/** One CSV cell: always quoted; a leading = + - @ is defused so a spreadsheet does not run it. */
export const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

const iso = (ms: number) => new Date(ms).toISOString();

/** The export as text chunks: a header (CSV) or the array's brackets (JSON), then one chunk per page. */
export function* historyExport(sqlite: BetterSqlite3.Database, accountId: number, format: 'csv' | 'json'): Generator<string> {
  if (format === 'csv') {
    yield EXPORT_COLUMNS.join(',') + '\r\n';
    for (const page of historyPages(sqlite, accountId)) {
      yield page.map((r) => EXPORT_COLUMNS.map((c) => csvCell(c === 'watched_at' ? iso(r.watched_at) : r[c])).join(',') + '\r\n').join('');
    }
    return;
  }
  yield '[';
  let first = true;
  for (const page of historyPages(sqlite, accountId)) {
    const text = page.map((r) => JSON.stringify({ ...r, watched_at: iso(r.watched_at) })).join(',\n');
    yield (first ? '\n' : ',\n') + text;
    first = false;
  }
  yield '\n]\n';
}
