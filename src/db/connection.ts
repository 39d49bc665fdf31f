/** Opens the SQLite database (WAL, busy timeout, foreign keys) behind a typed Kysely instance. */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './database.js';

export interface OpenedDb {
  db: Db;
  /** The raw handle, for pragmas, backups and the few hot paths that need synchronous statements. */
  sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

export const DB_FILE = 'plex-trakt-sync.db';

const STATEMENTS_KEPT = 500;

/**
 * The handle Kysely queries through, keeping prepared statements by their SQL: Kysely's SQLite
 * driver prepares every query anew, which costs as much as running most of ours. Queries run one
 * at a time on this connection; a statement still being iterated is not handed out twice.
 */
export function keepingStatements(sqlite: BetterSqlite3.Database) {
  const kept = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): BetterSqlite3.Statement {
      const known = kept.get(sql);
      if (known && !known.busy) {
        kept.delete(sql); // most recently used last
        kept.set(sql, known);
        return known;
      }
      const fresh = sqlite.prepare(sql);
      kept.set(sql, fresh);
      if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      return fresh;
    },
    close(): void {
      kept.clear();
      sqlite.close();
    },
  };
}

/**
 * DATA_DIR and the database files are for this service's user only: the directory 0700, the
 * database 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database's own
 * mode). An older install's looser modes are tightened; a directory we do not own (a volume
 * mounted by someone else) is left as it is.
 */
export function makePrivate(dataDir: string, file?: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  tighten(dataDir, 0o700);
  if (!file) return;
  const full = path.join(dataDir, file);
  fs.closeSync(fs.openSync(full, 'a', 0o600));
  for (const f of [full, `${full}-wal`, `${full}-shm`, `${full}-journal`]) tighten(f, 0o600);
}

function tighten(file: string, mode: number): void {
  try {
    if ((fs.statSync(file).mode & 0o777) !== mode) fs.chmodSync(file, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw err;
  }
}

export function openDatabase(dataDir: string, file = DB_FILE): OpenedDb {
  makePrivate(dataDir, file === ':memory:' ? undefined : file);
  const sqlite = new BetterSqlite3(file === ':memory:' ? file : path.join(dataDir, file));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) }) as Db;
  let closed = false;
  return {
    db,
    sqlite,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // closes the better-sqlite3 handle too
    },
  };
}
