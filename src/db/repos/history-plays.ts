/**
 * The Trakt history mirror's plays (`trakt_history`). Hot paths (pages of 50, upserts of
 * 250) use the raw better-sqlite3 handle with cached statements; every list is keyset-paged
 * on (watched_at, history_id), newest first, never OFFSET.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { HistoryRow, HistoryType } from '../tables/history.js';

type Sqlite = BetterSqlite3.Database;

const statements = new WeakMap<Sqlite, Map<string, BetterSqlite3.Statement>>();
/** Counts and month totals, dropped on every write to the mirror (one writer: this process's refresher). */
const aggregates = new WeakMap<Sqlite, Map<string, unknown>>();

function cached<T>(sqlite: Sqlite, key: string, compute: () => T): T {
  let cache = aggregates.get(sqlite);
  if (!cache) aggregates.set(sqlite, (cache = new Map()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}

function changed(sqlite: Sqlite): void {
  aggregates.get(sqlite)?.clear();
}

function stmt(sqlite: Sqlite, sql: string): BetterSqlite3.Statement {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = sqlite.prepare(sql)));
  return s;
}

const COLUMNS = [
  'account_id', 'history_id', 'watched_at', 'action', 'type', 'title', 'year',
  'movie_trakt', 'movie_imdb', 'movie_tmdb',
  'show_trakt', 'show_imdb', 'show_tmdb', 'show_tvdb', 'season', 'number', 'episode_title',
  'episode_trakt', 'episode_imdb', 'episode_tmdb', 'episode_tvdb',
] as const;

const UPSERT = `INSERT INTO trakt_history (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
  ON CONFLICT (account_id, history_id) DO UPDATE SET ${COLUMNS.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')}`;

export interface UpsertResult {
  /** Rows that were not in the mirror before. */
  inserted: HistoryRow[];
  updated: number;
}

/** Stores plays (new or changed) in one transaction. */
export function upsertPlays(sqlite: Sqlite, rows: HistoryRow[]): UpsertResult {
  const exists = stmt(sqlite, 'SELECT 1 FROM trakt_history WHERE account_id = ? AND history_id = ?');
  const upsert = stmt(sqlite, UPSERT);
  const out: UpsertResult = { inserted: [], updated: 0 };
  sqlite.transaction(() => {
    for (const r of rows) {
      const known = exists.get(r.account_id, r.history_id) !== undefined;
      upsert.run(r);
      if (known) out.updated += 1;
      else out.inserted.push(r);
    }
  })();
  if (rows.length) changed(sqlite);
  return out;
}

export interface PlayFilter {
  type?: HistoryType;
  /** Text search in titles (show, movie, episode). */
  q?: string;
}

export interface Cursor {
  watchedAt: number;
  historyId: number;
}

function where(accountId: number, f: PlayFilter): { sql: string; params: unknown[] } {
  const parts = ['account_id = ?'];
  const params: unknown[] = [accountId];
  if (f.type) {
    parts.push('type = ?');
    params.push(f.type);
  }
  const q = f.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    parts.push(`(title LIKE ? ESCAPE '\\' OR episode_title LIKE ? ESCAPE '\\')`);
    params.push(like, like);
  }
  return { sql: parts.join(' AND '), params };
}

/** A page of plays, newest first, strictly older than `before` when given. */
export function listPlays(sqlite: Sqlite, accountId: number, f: PlayFilter & { before?: Cursor; limit: number }): HistoryRow[] {
  const w = where(accountId, f);
  let sql = `SELECT * FROM trakt_history WHERE ${w.sql}`;
  const params = [...w.params];
  if (f.before) {
    sql += ' AND (watched_at, history_id) < (?, ?)';
    params.push(f.before.watchedAt, f.before.historyId);
  }
  sql += ' ORDER BY watched_at DESC, history_id DESC LIMIT ?';
  params.push(f.limit);
  return stmt(sqlite, sql).all(...params) as HistoryRow[];
}

/** Plays newer than `after`, newest first (the live "new at the top" rows). */
export function playsNewerThan(sqlite: Sqlite, accountId: number, after: Cursor, limit: number): HistoryRow[] {
  return stmt(
    sqlite,
    'SELECT * FROM trakt_history WHERE account_id = ? AND (watched_at, history_id) > (?, ?) ORDER BY watched_at DESC, history_id DESC LIMIT ?',
  ).all(accountId, after.watchedAt, after.historyId, limit) as HistoryRow[];
}

export function countPlays(sqlite: Sqlite, accountId: number, f: PlayFilter = {}): number {
  const w = where(accountId, f);
  const count = () => (stmt(sqlite, `SELECT COUNT(*) AS n FROM trakt_history WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
  // Searches are not cached: too many distinct texts.
  return f.q?.trim() ? count() : cached(sqlite, `count|${accountId}|${f.type ?? ''}`, count);
}

/** Plays with from <= watched_at <= to. */
export function countInRange(sqlite: Sqlite, accountId: number, from: number, to: number): number {
  return (stmt(sqlite, 'SELECT COUNT(*) AS n FROM trakt_history WHERE account_id = ? AND watched_at BETWEEN ? AND ?').get(accountId, from, to) as { n: number }).n;
}

export function idsInRange(sqlite: Sqlite, accountId: number, from: number, to: number): number[] {
  return (stmt(sqlite, 'SELECT history_id FROM trakt_history WHERE account_id = ? AND watched_at BETWEEN ? AND ?').pluck().all(accountId, from, to) as number[]);
}

/**
 * A full walk's "seen" plays, per account, in a TEMP table (this connection only) rather than a JS
 * Set: a large history is 100,000 plays and more, and only their ids are needed, at the end.
 */
export function startSeen(sqlite: Sqlite, accountId: number): void {
  sqlite.exec('CREATE TEMP TABLE IF NOT EXISTS history_seen (account_id INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (account_id, id)) WITHOUT ROWID');
  sqlite.prepare('DELETE FROM temp.history_seen WHERE account_id = ?').run(accountId);
}

export function markSeen(sqlite: Sqlite, accountId: number, ids: number[]): void {
  const ins = sqlite.prepare('INSERT OR IGNORE INTO temp.history_seen (account_id, id) VALUES (?, ?)');
  sqlite.transaction(() => ids.forEach((id) => ins.run(accountId, id)))();
}

/** Deletes the plays the walk did not see (when `remove`), then forgets the seen set. */
export function endSeen(sqlite: Sqlite, accountId: number, remove: boolean): number {
  const n = remove
    ? sqlite.prepare('DELETE FROM trakt_history WHERE account_id = ? AND history_id NOT IN (SELECT id FROM temp.history_seen WHERE account_id = ?)').run(accountId, accountId).changes
    : 0;
  sqlite.prepare('DELETE FROM temp.history_seen WHERE account_id = ?').run(accountId);
  if (n) changed(sqlite);
  return n;
}

export function deletePlays(sqlite: Sqlite, accountId: number, ids: number[]): number {
  const del = stmt(sqlite, 'DELETE FROM trakt_history WHERE account_id = ? AND history_id = ?');
  let n = 0;
  sqlite.transaction(() => {
    for (const id of ids) n += del.run(accountId, id).changes;
  })();
  if (n) changed(sqlite);
  return n;
}

export function newestPlay(sqlite: Sqlite, accountId: number): HistoryRow | undefined {
  return stmt(sqlite, 'SELECT * FROM trakt_history WHERE account_id = ? ORDER BY watched_at DESC, history_id DESC LIMIT 1').get(accountId) as HistoryRow | undefined;
}

export function oldestPlay(sqlite: Sqlite, accountId: number): HistoryRow | undefined {
  return stmt(sqlite, 'SELECT * FROM trakt_history WHERE account_id = ? ORDER BY watched_at ASC, history_id ASC LIMIT 1').get(accountId) as HistoryRow | undefined;
}

export interface MonthCount {
  /** "2025-03" (UTC month) */
  month: string;
  type: HistoryType;
  n: number;
}

/** Plays per type in each [start, end) range (UTC months for the chart), from the covering type index. */
export function countsByRange(sqlite: Sqlite, accountId: number, ranges: Array<[number, number]>): Array<{ movies: number; episodes: number }> {
  return cached(sqlite, `ranges|${accountId}|${ranges.map((r) => r.join('-')).join(',')}`, () => {
    const q = stmt(sqlite, 'SELECT COUNT(*) AS n FROM trakt_history WHERE account_id = ? AND type = ? AND watched_at >= ? AND watched_at < ?');
    const n = (type: string, [from, to]: [number, number]) => (q.get(accountId, type, from, to) as { n: number }).n;
    return ranges.map((r) => ({ movies: n('movie', r), episodes: n('episode', r) }));
  });
}
