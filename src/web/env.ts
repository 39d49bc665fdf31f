/** The Hono environment shared by every route: Node bindings and per-request variables. */
import type { HttpBindings } from '@hono/node-server';
import type BetterSqlite3 from 'better-sqlite3';
import type { Config } from '../config/env.js';
import type { Secrets } from '../config/secrets.js';
import type { Db } from '../db/database.js';
import type { SessionRow } from '../db/tables/core.js';
import type { LiveBus } from '../live/bus.js';
import type { Logger } from '../log/logger.js';
import type { SecretRegistry } from '../log/redact.js';
import type { Cipher } from '../security/crypto.js';
import type { WebhookQueueHandle } from '../scrobble/queue-handle.js';
import type { JobRegistry } from '../jobs/registry.js';
import type { SyncService } from '../sync/service.js';
import type { TraktClientRegistry } from '../trakt/registry.js';
import type { PlexOverrides } from '../plex/deps.js';
import type { LiveStatus } from '../plex-live/listener.js';

/** Everything the web layer needs, passed in by main.ts (or a test). Features add their services here. */
export interface AppDeps {
  config: Config;
  db: Db;
  sqlite: BetterSqlite3.Database;
  log: Logger;
  secrets: Secrets;
  secretRegistry: SecretRegistry;
  cipher: Cipher;
  bus: LiveBus;
  version: string;
  /** The one-time code printed in the log that a first visitor must type (absent once a password exists). */
  setupCode?: string;
  sessionTtlMs?: number;
  /** Base delay for slowing down repeated wrong passwords. */
  loginThrottleMs?: number;
  startedAt: number;
  /** The webhook event worker, once started (main.ts); the receiver wakes it after each write. */
  webhookQueue?: WebhookQueueHandle;
  /** The reconciliation sync of this process (src/sync/service.ts `syncService(deps)`); a test may set it first. */
  sync?: SyncService;
  /** Schedules and runs (src/sync/service.ts `jobRegistry(deps)`). */
  jobs?: JobRegistry;
  /** One Trakt client per account (src/trakt/registry.ts `traktClients(deps)`); set by a test to inject fetch or budgets. */
  traktClients?: TraktClientRegistry;
  /** Plex client hooks (fetch, timeouts) for tests; src/plex/connected.ts reads them. */
  plex?: PlexOverrides;
  /** The live listener (PLEX_LIVE=on), once started: its state for the Plex card; poke() after the server changed. */
  plexLive?: { status(): LiveStatus; poke(): void; settled(): Promise<void> };
}

export interface AppEnv {
  Bindings: HttpBindings;
  Variables: {
    deps: AppDeps;
    session?: SessionRow;
    csrf: string;
  };
}
