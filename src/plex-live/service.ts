/**
 * The live listener as the service builds it (src/context.ts): the connected Plex server
 * from the Plex connection, the watched threshold from the settings, and what it tells the
 * rest: a stored event and its state on the live bus, a catch-up sync after a reconnect.
 * Null with PLEX_LIVE=off.
 */
import type { Core } from '../core.js';
import type { PlexConnection } from '../plex-connection/connection.js';
import { SyncBusyError } from '../sync/run.js';
import type { SyncService } from '../sync/service.js';
import { LiveListener, type LiveListenerOptions, type LiveTarget } from './listener.js';
import { getLiveThreshold } from './settings.js';

export type PlexLiveDeps = Pick<Core, 'config' | 'db' | 'sqlite' | 'log' | 'bus'> & { plex: PlexConnection; sync: Pick<SyncService, 'start'> };

/** The connected server as the listener needs it, from the database only (this runs on every connection check). */
async function liveTarget(plex: PlexConnection): Promise<LiveTarget | null> {
  const info = await plex.info();
  if (info.state !== 'connected') return null;
  const client = await plex.server();
  if (!client) return null;
  return {
    url: client.baseUrl,
    token: client.opts.token,
    name: info.name ?? info.url,
    // Asked when an event is stored (the server just spoke): a service on its way out never fetches it.
    identity: () => plex.machineIdentifier(),
    sessions: () => client.sessions(),
    metadata: (ratingKey) => client.metadata(ratingKey),
  };
}

export function createPlexLive(deps: PlexLiveDeps, opts: LiveListenerOptions = {}): LiveListener | null {
  if (!deps.config.plex.live) return null;
  const { log, bus } = deps;
  return new LiveListener(
    {
      sqlite: deps.sqlite,
      log,
      target: () => liveTarget(deps.plex),
      threshold: () => getLiveThreshold(deps.db),
      onStored: (id) => bus.emit('webhook.stored', { id }),
      onStatus: (status) => bus.emit('plex-live.status', status),
      catchUp: async () => {
        try {
          const run = await deps.sync.start({ trigger: 'live' });
          log.info({ component: 'plex-live', runId: run.runId }, 'catch-up sync started after the live connection came back');
        } catch (err) {
          if (!(err instanceof SyncBusyError)) throw err; // a run going on already catches up
        }
      },
    },
    opts,
  );
}
