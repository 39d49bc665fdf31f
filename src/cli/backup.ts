/**
 * `plex-trakt-sync backup [FILE]` and `restore FILE`. A backup is an online copy (the
 * server may keep running); a restore replaces the database, so it refuses while a server
 * (its beacon is fresh) or a sync (its lease is held) uses it, and it checks the copy with
 * integrity_check first. The database it replaces is itself backed up before. Logs go to
 * stderr; stdout gets one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/env.js';
import { DB_FILE, openDatabase } from '../db/connection.js';
import { readLease } from '../db/repos/locks.js';
import { liveServer } from '../sync/server-beacon.js';
import { copyDatabase, integrityOf, takeBackup } from '../backup/backups.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const stdio: CliIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

function fail(io: CliIo, error: string): number {
  io.err(error);
  io.out(JSON.stringify({ status: 'error', error }));
  return 1;
}

export async function backupCommand(config: Config, args: string[], io: CliIo = stdio): Promise<number> {
  if (args.length > 1) return fail(io, 'Usage: plex-trakt-sync backup [FILE]');
  const dbPath = path.join(config.dataDir, DB_FILE);
  if (!fs.existsSync(dbPath)) return fail(io, `There is no database at ${dbPath} to back up. Check DATA_DIR.`);
  const opened = openDatabase(config.dataDir);
  try {
    if (args[0]) {
      const dest = path.resolve(args[0]);
      const bytes = await copyDatabase(opened.sqlite, dest);
      io.err(`Database copied to ${dest}. Keep ${path.join(config.dataDir, 'secret.key')} with it: the stored credentials cannot be read without that file.`);
      io.out(JSON.stringify({ status: 'ok', file: dest, bytes }));
    } else {
      const b = await takeBackup(opened.sqlite, config.dataDir, 'manual', config.backupKeep);
      io.err(`Database copied to ${b.path}. Keep ${path.join(config.dataDir, 'secret.key')} with it: the stored credentials cannot be read without that file.`);
      io.out(JSON.stringify({ status: 'ok', file: b.path, bytes: b.bytes }));
    }
    return 0;
  } catch (err) {
    return fail(io, `The backup failed: ${err instanceof Error ? err.message : String(err)}. Check free disk space and that the folder is writable.`);
  } finally {
    await opened.close();
  }
}

export async function restoreCommand(config: Config, args: string[], io: CliIo = stdio): Promise<number> {
  if (args.length !== 1) return fail(io, 'Usage: plex-trakt-sync restore FILE (with the server stopped)');
  const source = path.resolve(args[0]!);
  if (!fs.existsSync(source)) return fail(io, `There is no file ${source}. Name a backup, e.g. one in ${path.join(config.dataDir, 'backups')}.`);
  const check = await integrityOf(source);
  if (check !== 'ok') return fail(io, `${source} is not a sound SQLite database (integrity_check: ${check}). Nothing was restored; pick another backup.`);
  const dbPath = path.join(config.dataDir, DB_FILE);
  let previous: string | undefined;
  if (fs.existsSync(dbPath)) {
    const opened = openDatabase(config.dataDir);
    try {
      const server = await liveServer(opened.db).catch(() => undefined);
      if (server) return fail(io, `A server is running on this database (${server.url}, process ${server.pid}). Stop it, then run restore again.`);
      const lease = await readLease(opened.db, 'sync').catch(() => undefined);
      if (lease && lease.expires_at > Date.now()) return fail(io, 'A sync is running on this database. Wait for it to finish (or stop it), then run restore again.');
      previous = (await takeBackup(opened.sqlite, config.dataDir, 'before-restore', config.backupKeep)).path;
    } finally {
      await opened.close();
    }
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const incoming = `${dbPath}.restoring`;
  fs.copyFileSync(source, incoming);
  const fd = fs.openSync(incoming, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  // The old database's WAL and shared memory belong to it, not to the copy.
  for (const extra of ['-wal', '-shm']) fs.rmSync(dbPath + extra, { force: true });
  fs.renameSync(incoming, dbPath);
  io.err(`Restored ${source}${previous ? `; the database it replaced is kept as ${previous}` : ''}. Start the service; credentials need the secret.key that was beside the backup.`);
  io.out(JSON.stringify({ status: 'restored', file: source, previous: previous ?? null }));
  return 0;
}
