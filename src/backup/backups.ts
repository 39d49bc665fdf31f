/**
 * Online copies of the SQLite database in DATA_DIR/backups, made with SQLite's backup API
 * (better-sqlite3 `db.backup()`): it copies pages in steps while the service keeps
 * reading and writing, and the copy is one consistent snapshot. A copy is written under a
 * temporary name and renamed when complete, so a listed backup is never half written.
 * `secret.key` is not in a backup: the credentials in it can only be read with that file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export const BACKUP_DIR = 'backups';
const PREFIX = 'plex-trakt-sync-';

export type BackupReason = 'daily' | 'pre-migration' | 'manual' | 'before-restore';

export interface BackupFile {
  name: string;
  path: string;
  bytes: number;
  at: number;
  reason: string;
}

export const backupsDir = (dataDir: string) => path.join(dataDir, BACKUP_DIR);

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');

/** Copies the open database to `dest` (online) and returns its size. */
export async function copyDatabase(sqlite: BetterSqlite3.Database, dest: string): Promise<number> {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const partial = `${dest}.partial`;
  fs.rmSync(partial, { force: true });
  await sqlite.backup(partial);
  fs.renameSync(partial, dest);
  return fs.statSync(dest).size;
}

/** The backups in DATA_DIR/backups, newest first. */
export function listBackups(dataDir: string): BackupFile[] {
  const dir = backupsDir(dataDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(PREFIX) && n.endsWith('.db'))
    .map((name) => {
      const p = path.join(dir, name);
      const st = fs.statSync(p);
      const reason = name.slice(PREFIX.length).replace(/\.db$/, '').split('-').slice(2).join('-').replace(/-\d+$/, '') || 'manual';
      return { name, path: p, bytes: st.size, at: st.mtimeMs, reason };
    })
    .sort((a, b) => b.name.localeCompare(a.name));
}

/** Keeps the newest `keep` backups of each reason (daily ones by BACKUP_KEEP; a manual FILE elsewhere is never touched). */
export function pruneBackups(dataDir: string, keep: number): string[] {
  const byReason = new Map<string, BackupFile[]>();
  for (const b of listBackups(dataDir)) byReason.set(b.reason, [...(byReason.get(b.reason) ?? []), b]);
  const removed: string[] = [];
  for (const list of byReason.values()) {
    for (const old of list.slice(Math.max(0, keep))) {
      fs.rmSync(old.path, { force: true });
      removed.push(old.name);
    }
  }
  return removed;
}

/** Takes a backup into DATA_DIR/backups and prunes to `keep`. */
export async function takeBackup(sqlite: BetterSqlite3.Database, dataDir: string, reason: BackupReason, keep: number, now = Date.now()): Promise<BackupFile> {
  let name = `${PREFIX}${stamp(now)}-${reason}.db`;
  // Two in the same second (a test, a double click): a suffix keeps both.
  for (let n = 2; fs.existsSync(path.join(backupsDir(dataDir), name)); n++) name = `${PREFIX}${stamp(now)}-${reason}-${n}.db`;
  const dest = path.join(backupsDir(dataDir), name);
  const bytes = await copyDatabase(sqlite, dest);
  pruneBackups(dataDir, Math.max(1, keep));
  return { name, path: dest, bytes, at: now, reason };
}

/** Runs SQLite's integrity_check on a database file (opened read-only); "ok" or what is wrong. */
export async function integrityOf(file: string): Promise<string> {
  const { default: Database } = await import('better-sqlite3');
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('; ');
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    db?.close();
  }
}
