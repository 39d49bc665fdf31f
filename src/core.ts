/**
 * The first things src/context.ts builds, before any service: configuration, the database,
 * secrets, the logger and the live bus. A service names the few it uses
 * (`Pick<Core, 'db' | 'log'>`) next to the other services it is handed, so its constructor
 * is its list of needs; nothing outside src/web sees the web layer's bag.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Config } from './config/env.js';
import type { Secrets } from './config/secrets.js';
import type { Db } from './db/database.js';
import type { LiveBus } from './live/bus.js';
import type { Logger } from './log/logger.js';
import type { SecretRegistry } from './log/redact.js';
import type { Cipher } from './security/crypto.js';

export interface Core {
  config: Config;
  db: Db;
  sqlite: BetterSqlite3.Database;
  log: Logger;
  secrets: Secrets;
  secretRegistry: SecretRegistry;
  cipher: Cipher;
  bus: LiveBus;
  version: string;
  startedAt: number;
}
