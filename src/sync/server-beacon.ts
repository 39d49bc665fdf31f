/**
 * The running server's heartbeat in the database (settings key `server.beacon`): its URL
 * and when it was last alive. The CLI reads it to ask a running server to do a sync, so
 * only one process spends Trakt's budgets.
 */
import type { Db } from '../db/database.js';
import { deleteSetting, getSetting, setSetting } from '../db/repos/settings.js';

const KEY = 'server.beacon';
export const BEACON_EVERY_MS = 15_000;
/** A beacon older than this belongs to a server that is gone. */
export const BEACON_STALE_MS = 45_000;

export interface Beacon {
  url: string;
  pid: number;
  at: number;
}

export function startServerBeacon(db: Db, url: string, everyMs = BEACON_EVERY_MS): { stop(): Promise<void> } {
  const beat = () => setSetting(db, KEY, { url, pid: process.pid, at: Date.now() } satisfies Beacon).catch(() => undefined);
  void beat();
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      const current = await getSetting<Beacon>(db, KEY).catch(() => undefined);
      if (current?.pid === process.pid) await deleteSetting(db, KEY).catch(() => undefined);
    },
  };
}

/** The URL of a server that is alive on this database, if any. */
export async function liveServer(db: Db, now = Date.now()): Promise<Beacon | undefined> {
  const b = await getSetting<Beacon>(db, KEY);
  return b && now - b.at < BEACON_STALE_MS ? b : undefined;
}
