/**
 * The daily backup: checked every hour (and shortly after start), a copy is taken when the
 * newest daily one is a day old. A day missed while the service was down is made up at
 * the next start; failures are logged and tried again the next hour.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Logger } from '../log/logger.js';
import { listBackups, takeBackup } from './backups.js';

const DAY_MS = 24 * 3600 * 1000;

export interface DailyBackupDeps {
  sqlite: BetterSqlite3.Database;
  dataDir: string;
  keep: number;
  log: Logger;
}

export async function backupIfDue(deps: DailyBackupDeps, now = Date.now()): Promise<boolean> {
  const last = listBackups(deps.dataDir).find((b) => b.reason === 'daily');
  if (last && now - last.at < DAY_MS - 60_000) return false;
  const b = await takeBackup(deps.sqlite, deps.dataDir, 'daily', deps.keep, now);
  deps.log.info({ component: 'backup', file: b.name, bytes: b.bytes }, `daily database backup written: ${b.name}`);
  return true;
}

export function startDailyBackups(deps: DailyBackupDeps, opts: { firstAfterMs?: number; everyMs?: number } = {}): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = backupIfDue(deps).catch((err: unknown) =>
      deps.log.error({ component: 'backup', err: err instanceof Error ? err.message : String(err) }, 'the daily database backup failed; it is tried again in an hour (check free disk space in DATA_DIR)'),
    );
  };
  const first = setTimeout(tick, opts.firstAfterMs ?? 60_000);
  first.unref();
  const timer = setInterval(tick, opts.everyMs ?? 3600_000);
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
