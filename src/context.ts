/**
 * Builds the service's dependencies (database, secrets, logger, live bus) once, for
 * the server and for the CLI commands alike, and closes them again.
 */
import type { Writable } from 'node:stream';
import type { Config } from './config/env.js';
import { getPasswordHash, loadSecrets } from './config/secrets.js';
import { openDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { LiveBus } from './live/bus.js';
import { createLogger } from './log/logger.js';
import { SecretRegistry } from './log/redact.js';
import { createLogStore, type LogStore } from './log/store.js';
import { packageVersion } from './paths.js';
import { createCipher, KEY_FILE, loadOrCreateKey } from './security/crypto.js';
import { randomSetupCode } from './security/password.js';
import type { AppDeps } from './web/env.js';
import { attachLiveTail } from './web/logs.js';
import type { DeliveryOptions } from './notify/delivery.js';
import { NotificationService } from './notify/service.js';
import { parseNotifyUrl } from './notify/urls.js';

export interface ContextOptions {
  /** 1 for `serve` (stdout), 2 for every other command (stderr keeps stdout for results). */
  logFd: 1 | 2;
  logSink?: Writable;
  prettyLogs?: boolean;
  sessionTtlMs?: number;
  loginThrottleMs?: number;
  /** Notification delivery hooks (fetch, clock, Discord's base URL) for tests and the demo. */
  notify?: DeliveryOptions;
}

export interface ServiceContext {
  deps: AppDeps;
  logStore: LogStore;
  close(): Promise<void>;
}

export async function createContext(config: Config, opts: ContextOptions): Promise<ServiceContext> {
  const secretRegistry = new SecretRegistry();
  for (const v of [config.trakt.clientSecret, config.plex.token, config.tmdb.apiKey, config.adminPassword, config.notify.syncPingUrl]) secretRegistry.add(v);
  for (const u of config.notify.urls) for (const v of parseNotifyUrl(u).secrets) secretRegistry.add(v);

  const { db, sqlite, close: closeDb } = openDatabase(config.dataDir);
  await migrateToLatest(db);
  const cipher = createCipher(loadOrCreateKey(config.dataDir));
  const logStore = createLogStore(sqlite);
  const log = createLogger({
    level: config.logLevel,
    fd: opts.logFd,
    pretty: opts.prettyLogs,
    secrets: secretRegistry,
    extra: [logStore.stream],
    sink: opts.logSink,
  });
  const secrets = await loadSecrets(db, config, secretRegistry, cipher, (key) =>
    log.warn({ component: 'secrets', key }, `${key} could not be opened with ${KEY_FILE} (was the key file replaced?): made a new one; a new webhook URL or API key must be copied again`),
  );
  const needsSetup = !config.adminPassword && !(await getPasswordHash(db));

  const deps: AppDeps = {
    config,
    db,
    sqlite,
    log,
    secrets,
    secretRegistry,
    cipher,
    bus: new LiveBus(),
    version: packageVersion(),
    setupCode: needsSetup ? randomSetupCode() : undefined,
    sessionTtlMs: opts.sessionTtlMs,
    loginThrottleMs: opts.loginThrottleMs,
    startedAt: Date.now(),
    notify: new NotificationService({ db, sqlite, cipher, log, secrets: secretRegistry, publicUrl: config.publicUrl }, opts.notify),
  };
  attachLiveTail(logStore, deps.bus);
  let closed = false;
  return {
    deps,
    logStore,
    async close() {
      if (closed) return;
      closed = true;
      await deps.notify?.stop();
      deps.bus.close();
      logStore.close();
      await closeDb();
    },
  };
}
