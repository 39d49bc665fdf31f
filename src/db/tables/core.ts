/**
 * Core tables: settings, dashboard sessions, leases (locks) and the log store.
 * Convention for every table: times are INTEGER epoch milliseconds (UTC), booleans 0/1,
 * JSON documents TEXT. Convert at the repository edge.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface SettingsTable {
  key: string;
  /** JSON text. */
  value: string;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
}

export interface LocksTable {
  name: string;
  owner: string;
  acquired_at: number;
  /** A lease: the holder renews it (heartbeat); a lapsed lease may be taken over. */
  expires_at: number;
}

export interface LogsTable {
  id: Generated<number>;
  ts: number;
  level: number;
  component: string;
  msg: string;
  run_id: number | null;
  /** Remaining structured fields, JSON text, already redacted. */
  data: string | null;
}

export interface CoreTables {
  settings: SettingsTable;
  sessions: SessionsTable;
  locks: LocksTable;
  logs: LogsTable;
}

export type SessionRow = Selectable<SessionsTable>;
export type LogRow = Selectable<LogsTable>;
export type NewLogRow = Insertable<LogsTable>;
