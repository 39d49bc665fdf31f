/**
 * Starts the service: build the context (src/context.ts builds every service), start the
 * background work (event worker, schedules, history mirror), serve. Nothing else lives here.
 */
import { serve } from '@hono/node-server';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config/env.js';
import { createContext, type ContextOptions } from './context.js';
import { endSessionsIfPasswordChanged } from './config/password-epoch.js';
import { deleteExpiredSessions } from './db/repos/sessions.js';
import { startScrobbling, type ScrobbleOptions } from './scrobble/service.js';
import { startServerBeacon } from './sync/server-beacon.js';
import { startDailyBackups } from './backup/daily.js';
import { startDashboardLive } from './web/dashboard-live.js';
import type { AppDeps } from './web/env.js';
import { mirrorEnvTargets } from './notify/targets.js';

export interface ServiceHandle {
  url: string;
  deps: AppDeps;
  close(): Promise<void>;
}

export type StartOptions = Omit<ContextOptions, 'logFd'> & { scrobble?: ScrobbleOptions };

const LOG_RETENTION_MS = 14 * 24 * 3600 * 1000;
const SHUTDOWN_GRACE_MS = 4000;

export async function startService(config: Config, opts: StartOptions = {}): Promise<ServiceHandle> {
  const ctx = await createContext(config, { ...opts, logFd: 1 });
  const { deps } = ctx;
  const { log } = deps;
  const ended = await endSessionsIfPasswordChanged(deps.db, config, deps.secrets.sessionKey);
  if (ended) log.info({ component: 'auth', sessions: ended }, 'the admin password changed: every session ended');
  // NOTIFY_URLS is mirrored by the server only: a CLI command with another environment must not drop targets.
  await mirrorEnvTargets(deps.db, deps.cipher, config.notify.urls);
  await deps.notify.start();

  // What is playing on the Plex server: polled only while a dashboard is open (its live stream).
  deps.nowPlaying.start();
  const stopDashboardLive = startDashboardLive(deps);
  // Pending webhook events resume here (after settling writes a crash left unanswered).
  const scrobbling = await startScrobbling({ ...deps, notifier: deps.notify }, opts.scrobble?.ports ?? deps.scrobblePorts, opts.scrobble?.worker);
  deps.webhookQueue = scrobbling.worker;
  const app = createApp(deps);
  const server = await new Promise<http.Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s as http.Server));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  log.info({ component: 'server', url, version: deps.version }, `listening on ${url}`);
  // Schedules (the sync) and the heartbeat the CLI looks for to hand its sync to this server.
  const { jobs } = deps;
  await jobs.start();
  const beacon = startServerBeacon(deps.db, url);
  // The Trakt history mirror: first fill in the background, then kept current.
  const { history } = deps;
  history.start();
  // A copy of the database every day (DATA_DIR/backups).
  const backups = startDailyBackups({ sqlite: deps.sqlite, dataDir: config.dataDir, keep: config.backupKeep, log });
  // plex.unreachable / plex.recovered: a light /identity every minute while a server is connected.
  deps.plexWatch.start();
  // The Plex server's own notifications (PLEX_LIVE): plays without Plex Pass, into the same queue.
  const offWake = deps.bus.on('webhook.stored', () => deps.webhookQueue?.wake());
  deps.plexLive?.start();
  let closing: Promise<void> | undefined;
  // A server preset by PLEX_URL is asked who it is once, so pages show its name and webhooks
  // can be told to be its. When it does not answer, the log says so and webhooks wait for it.
  void deps.plex.machineIdentifier().catch((err: unknown) => {
    if (closing) return; // stopped before the answer: nothing to say about Plex
    log.warn(
      { component: 'plex', reason: err instanceof Error ? err.message : String(err) },
      'the connected Plex server did not answer at start-up; webhooks wait until it does (Settings → Plex → Test connection)',
    );
  });
  if (deps.setupCode) {
    // The code goes to the terminal only: the stored log is readable by whoever can read the database.
    log.warn(
      { component: 'auth', stored: false },
      `first run: open ${url} to choose the admin password; the one-time setup code is ${deps.setupCode}`,
    );
  }

  const housekeeping = setInterval(() => {
    ctx.logStore.prune(LOG_RETENTION_MS);
    void deleteExpiredSessions(deps.db).catch(() => undefined);
  }, 3600_000);
  housekeeping.unref();

  return {
    url,
    deps,
    close() {
      closing ??= (async () => {
        clearInterval(housekeeping);
        stopDashboardLive();
        await deps.nowPlaying.stop();
        jobs.stop();
        await deps.sync.stop(); // a running sync stops after its batch in flight
        await beacon.stop();
        await history.stop();
        await backups.stop();
        await deps.plexWatch.stop();
        await deps.plexLive?.stop();
        offWake();
        deps.bus.close(); // ends SSE streams so the server can close
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        deps.webhookQueue = undefined;
        await scrobbling.stop();
        log.info({ component: 'server' }, 'stopped');
        await ctx.close();
      })();
      return closing;
    },
  };
}
