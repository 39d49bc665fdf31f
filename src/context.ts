/**
 * The composition root: builds everything once, in order, for the server and for the CLI
 * commands alike, and hands each service only what it uses:
 *
 *   config → database → migrations → cipher → log store → logger → secrets   (Core)
 *   → Plex connection → Trakt clients → TMDB posters → history mirror → now playing
 *   → sync ports → sync service → jobs (the sync job) → live listener         (Services)
 *   → the web layer's bag (AppDeps) and its live renderers on the bus
 *
 * A new service is constructed here, after what it needs, and added to Services; the web
 * layer reads it from `c.var.deps`. Tests tune services through `ContextOptions.tune`.
 */
import { PeopleService } from './people/service.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { takeBackup, type BackupFile } from './backup/backups.js';
import type { Config } from './config/env.js';
import { getPasswordHash, loadSecrets } from './config/secrets.js';
import type { Core } from './core.js';
import { DB_FILE, openDatabase } from './db/connection.js';
import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import { HistoryService, type HistoryServiceOptions } from './history/service.js';
import { JobRegistry } from './jobs/registry.js';
import { LiveBus } from './live/bus.js';
import { createLogger } from './log/logger.js';
import { SecretRegistry } from './log/redact.js';
import { createLogStore, type LogStore } from './log/store.js';
import { packageVersion } from './paths.js';
import { NowPlayingService } from './now-playing/service.js';
import { plexNowPlayingSource } from './now-playing/plex-source.js';
import { PlexConnection } from './plex-connection/connection.js';
import type { LiveListener, LiveListenerOptions } from './plex-live/listener.js';
import { createPlexLive } from './plex-live/service.js';
import type { PlexOverrides } from './plex-connection/overrides.js';
import { createScrobblePorts } from './scrobble/wiring.js';
import type { ScrobblePorts } from './scrobble/ports.js';
import { createCipher, KEY_FILE, loadOrCreateKey } from './security/crypto.js';
import { randomSetupCode } from './security/password.js';
import type { SyncPorts } from './sync/ports.js';
import type { RunnerOptions } from './sync/run.js';
import { registerSyncJob, SyncService } from './sync/service.js';
import { createSyncPorts, type SyncPortDeps } from './sync/wiring.js';
import { PosterService, type PosterServiceOptions } from './tmdb/posters.js';
import { TraktClientRegistry, type TraktRegistryOptions } from './trakt/registry.js';
import type { AppDeps } from './web/env.js';
import { DASHBOARD_TOPIC } from './web/dashboard-live.js';
import { attachLiveRenderers } from './web/live-renderers.js';
import { attachLiveTail } from './web/logs.js';
import type { DeliveryOptions } from './notify/delivery.js';
import { PlexWatch } from './notify/plex-watch.js';
import { NotificationService } from './notify/service.js';
import { createSyncPinger } from './notify/sync-ping.js';
import { parseNotifyUrl } from './notify/urls.js';
import { RunPublisher } from './web/runs-live.js';
import { syncCardView } from './web/sync-card.js';

/** How long a run waits for the history mirror before planning with what it has. */
const HISTORY_WAIT_MS = 60_000;

/** Every service of the process, built once by createContext. */
export interface Services extends Core {
  /** Notifications: raise (a queued row), deliver in the background (main.ts starts it), test. */
  notify: NotificationService;
  plex: PlexConnection;
  traktClients: TraktClientRegistry;
  posters: PosterService;
  history: HistoryService;
  /** The real ports of the event worker (main.ts starts it with these unless a test passes its own). */
  scrobblePorts: ScrobblePorts;
  sync: SyncService;
  jobs: JobRegistry;
  /** The live listener (PLEX_LIVE, on by default; main.ts starts it), or null when off. */
  plexLive: LiveListener | null;
  /** Whether Plex answers (plex.unreachable after 10 minutes, then plex.recovered); main.ts starts it. */
  plexWatch: PlexWatch;
  /** What is playing on the Plex server; main.ts starts its poll (which runs only while a dashboard is open). */
  nowPlaying: NowPlayingService;
  /** The household: who is known, their Trakt accounts and switches (src/people). */
  people: PeopleService;
}

/** Test and tuning hooks, given to the services as they are built. */
export interface ServiceTuning {
  trakt?: TraktRegistryOptions;
  plex?: PlexOverrides;
  posters?: PosterServiceOptions;
  history?: HistoryServiceOptions;
  /** Notification delivery (fetch, clock, time-out, Discord's base URL). */
  notify?: DeliveryOptions;
  sync?: {
    /** The sync's ports (default: the connected Trakt account and Plex server). */
    ports?: (deps: SyncPortDeps) => SyncPorts;
    /** Replace the run options (default: refresh the history mirror before planning). */
    runner?: RunnerOptions;
  };
  /** The live listener's backoff, ping and sweep timings. */
  live?: LiveListenerOptions;
}

export interface ContextOptions {
  /** 1 for `serve` (stdout), 2 for every other command (stderr keeps stdout for results). */
  logFd: 1 | 2;
  logSink?: Writable;
  prettyLogs?: boolean;
  sessionTtlMs?: number;
  loginThrottleMs?: number;
  tune?: ServiceTuning;
}

export interface ServiceContext {
  deps: AppDeps;
  logStore: LogStore;
  close(): Promise<void>;
}

async function buildCore(config: Config, opts: ContextOptions): Promise<{ core: Core; logStore: LogStore; closeDb: () => Promise<void> }> {
  const secretRegistry = new SecretRegistry();
  for (const v of [config.trakt.clientSecret, config.plex.token, config.tmdb.apiKey, config.adminPassword, config.metricsToken, config.notify.syncPingUrl]) secretRegistry.add(v);
  for (const u of config.notify.urls) for (const v of parseNotifyUrl(u).secrets) secretRegistry.add(v);

  const existed = fs.existsSync(path.join(config.dataDir, DB_FILE));
  const { db, sqlite, close: closeDb } = openDatabase(config.dataDir);
  // A copy before any migration touches an existing database (a new one has nothing to lose).
  const pending = existed ? await pendingMigrations(db) : [];
  const preMigration: BackupFile | undefined = pending.length ? await takeBackup(sqlite, config.dataDir, 'pre-migration', config.backupKeep) : undefined;
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
  if (preMigration) log.info({ component: 'backup', file: preMigration.name, migrations: pending }, `database backed up before ${pending.length} migration(s): ${preMigration.name}`);
  const secrets = await loadSecrets(db, config, secretRegistry, cipher, (key) =>
    log.warn({ component: 'secrets', key }, `${key} could not be opened with ${KEY_FILE} (was the key file replaced?): made a new one; a new webhook URL or API key must be copied again`),
  );
  const core: Core = { config, db, sqlite, log, secrets, secretRegistry, cipher, bus: new LiveBus(), version: packageVersion(), startedAt: Date.now() };
  return { core, logStore, closeDb };
}

/** The services, each handed what it uses, in the order they depend on each other. */
export function buildServices(core: Core, tune: ServiceTuning = {}): Services {
  const { config, db, sqlite, log, bus, cipher, secretRegistry, version } = core;
  // First: every service below may raise notifications on it.
  const notify = new NotificationService({ db, sqlite, cipher, log, secrets: secretRegistry, publicUrl: config.publicUrl }, tune.notify);
  const plex = new PlexConnection({ config, db, cipher, secretRegistry, version }, tune.plex);
  const plexWatch = new PlexWatch({
    notifier: notify,
    probe: async () => {
      const client = await plex.server();
      if (!client) return false; // nothing connected: nothing to be unreachable
      await client.serverInfo();
      return true;
    },
  });
  const traktClients = new TraktClientRegistry({ config, db, cipher, secretRegistry, log, version, notifier: notify }, tune.trakt);
  const posters = new PosterService({ config, db, sqlite, cipher, secretRegistry, log }, tune.posters);
  const history = new HistoryService({ db, sqlite, log, bus, traktClients }, tune.history);
  const nowPlaying = new NowPlayingService({
    source: plexNowPlayingSource(() => plex.server()),
    log,
    bus,
    wanted: () => bus.hasSubscribers(DASHBOARD_TOPIC),
  });
  const scrobblePorts = createScrobblePorts({ db, plex, traktClients });
  const people = new PeopleService({ config, db, cipher, secretRegistry, log, plex });
  const syncPorts = (tune.sync?.ports ?? createSyncPorts)({ db, plex, traktClients, cipher, people });
  const runner: RunnerOptions = {
    ...(tune.sync?.runner ?? {
      refreshHistory: (accountId) =>
        Promise.race([history.refreshNow(accountId, 'auto'), new Promise((resolve) => setTimeout(resolve, HISTORY_WAIT_MS).unref())]),
    }),
    notifier: notify,
    ping: config.notify.syncPingUrl ? createSyncPinger({ url: config.notify.syncPingUrl, log }) : undefined,
  };
  // The guard's limits come from the environment (SYNC_GUARD_*); a test's runner options may set their own.
  const sync = new SyncService({ db, sqlite, log, bus }, syncPorts, { guard: config.guard, ...runner });
  const jobs = new JobRegistry();
  registerSyncJob(jobs, sync, { db, log });
  const plexLive = createPlexLive({ config, db, sqlite, log, bus, plex, sync }, tune.live);
  return { ...core, notify, plex, traktClients, posters, history, scrobblePorts, sync, jobs, nowPlaying, plexWatch, plexLive, people };
}

export async function createContext(config: Config, opts: ContextOptions): Promise<ServiceContext> {
  const { core, logStore, closeDb } = await buildCore(config, opts);
  const services = buildServices(core, opts.tune);
  const needsSetup = !config.adminPassword && !(await getPasswordHash(core.db));

  // The web layer: its bag, and the renderers that turn domain events into page fragments.
  const runPublisher = new RunPublisher(core, (run) => syncCardView(deps, run.status === 'running' ? run : undefined));
  const deps: AppDeps = {
    ...services,
    runPublisher,
    setupCode: needsSetup ? randomSetupCode() : undefined,
    sessionTtlMs: opts.sessionTtlMs,
    loginThrottleMs: opts.loginThrottleMs,
  };
  attachLiveTail(logStore, core.bus);
  attachLiveRenderers(deps);
  let closed = false;
  return {
    deps,
    logStore,
    async close() {
      if (closed) return;
      closed = true;
      await services.notify.stop();
      core.bus.close();
      logStore.close();
      await closeDb();
    },
  };
}
