/** Reading the log store: filtered, keyset-paged by id (returned oldest first; the Logs page turns them newest first). */
import type { Db } from '../database.js';
import type { LogRow } from '../tables/core.js';

export interface LogQuery {
  minLevel?: number;
  component?: string;
  runId?: number;
  /** Only lines older than this id (the "older" button). */
  beforeId?: number;
  limit?: number;
}

/** The newest `limit` lines matching the query, returned oldest first. */
export async function listLogs(db: Db, q: LogQuery): Promise<LogRow[]> {
  let query = db.selectFrom('logs').selectAll().orderBy('id', 'desc').limit(Math.min(q.limit ?? 200, 1000));
  if (q.minLevel) query = query.where('level', '>=', q.minLevel);
  if (q.component) query = query.where('component', '=', q.component);
  if (q.runId !== undefined) query = query.where('run_id', '=', q.runId);
  if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
  return (await query.execute()).reverse();
}

export async function logComponents(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('logs').select('component').distinct().orderBy('component').limit(100).execute();
  return rows.map((r) => r.component);
}
