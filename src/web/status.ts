/** What `/api/v1/status` and `plex-trakt-sync status` report. Features add their parts here. */
import { sql } from 'kysely';
import { plexStatus } from '../plex-connection/status.js';
import { traktStatus } from '../trakt/status.js';
import { plexLiveStatus } from './plex-live.js';
import type { AppDeps } from './env.js';

export interface ServiceStatus {
  version: string;
  uptimeSeconds: number;
  database: 'ok' | 'error';
  [part: string]: unknown;
}

export type StatusPart = (deps: AppDeps) => Promise<Record<string, unknown>>;

/** Parts registered by features (connections, queue, runs); each one adds keys to the status. */
export const statusParts: StatusPart[] = [(deps) => plexStatus(deps.plex), (deps) => traktStatus(deps.db), async (deps) => plexLiveStatus(deps)];

export async function databaseAnswers(deps: Pick<AppDeps, 'db'>): Promise<boolean> {
  try {
    await sql`select 1`.execute(deps.db);
    return true;
  } catch {
    return false;
  }
}

export async function collectStatus(deps: AppDeps): Promise<ServiceStatus> {
  const status: ServiceStatus = {
    version: deps.version,
    uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    database: (await databaseAnswers(deps)) ? 'ok' : 'error',
  };
  for (const part of statusParts) {
    try {
      Object.assign(status, await part(deps));
    } catch (err) {
      deps.log.warn({ component: 'status', err }, 'a status part failed');
    }
  }
  return status;
}
