/**
 * Composition of the live listener (src/plex-live) from the service's parts: the connected
 * Plex server, the watched-threshold setting, the event worker to wake, the events page and
 * dashboard to update, and the sync for the catch-up after a reconnect. Off with PLEX_LIVE=off.
 */
import { connectedMachineIdentifier, plexConnectionInfo, plexServerFor } from './plex/connected.js';
import { LiveListener, type LiveListenerOptions, type LiveTarget } from './plex-live/listener.js';
import { getLiveThreshold } from './plex-live/settings.js';
import { SyncBusyError } from './sync/run.js';
import { syncService } from './sync/service.js';
import type { AppDeps } from './web/env.js';
import { publishNewEvent } from './web/events-live.js';
import { publishPlexLiveStatus } from './web/plex-live.js';

export interface PlexLiveHandle {
  listener: LiveListener | null;
  stop(): Promise<void>;
}

async function liveTarget(deps: AppDeps): Promise<LiveTarget | null> {
  const info = await plexConnectionInfo(deps);
  if (info.state !== 'connected') return null;
  const client = await plexServerFor(deps);
  if (!client) return null;
  // Only the database here (this runs on every connection check); the identity is asked when an event needs it.
  return {
    url: client.baseUrl,
    token: client.opts.token,
    name: info.name ?? info.url,
    identity: async () => {
      const now = await plexConnectionInfo(deps);
      if (now.state !== 'connected') return null;
      return now.machineIdentifier ?? connectedMachineIdentifier(deps);
    },
    sessions: () => client.sessions(),
    metadata: (ratingKey) => client.metadata(ratingKey),
  };
}

export function startPlexLive(deps: AppDeps, opts: LiveListenerOptions = {}): PlexLiveHandle {
  if (!deps.config.plex.live) {
    deps.log.info({ component: 'plex-live' }, 'live sessions off (PLEX_LIVE=off): plays reach Trakt by webhooks only');
    return { listener: null, stop: async () => undefined };
  }
  const listener = new LiveListener(
    {
      sqlite: deps.sqlite,
      log: deps.log,
      target: () => liveTarget(deps),
      threshold: () => getLiveThreshold(deps.db),
      onStored: (id) => {
        deps.webhookQueue?.wake();
        publishNewEvent(deps, id);
      },
      onStatus: (status) => publishPlexLiveStatus(deps, status),
      catchUp: async () => {
        try {
          const run = await syncService(deps).start({ trigger: 'live' });
          deps.log.info({ component: 'plex-live', runId: run.runId }, 'catch-up sync started after the live connection came back');
        } catch (err) {
          if (!(err instanceof SyncBusyError)) throw err; // a run going on already catches up
        }
      },
    },
    opts,
  );
  deps.plexLive = listener;
  listener.start();
  return {
    listener,
    async stop() {
      deps.plexLive = undefined;
      await listener.stop();
    },
  };
}
