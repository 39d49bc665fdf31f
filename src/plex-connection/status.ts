/** Plex's part of /api/v1/status and `plex-trakt-sync status`, and the dashboard card's state (no network). */
import type { PlexConnection } from './connection.js';

export interface PlexCardState {
  plexConnected: boolean;
  plexServer: string | null;
}

export async function plexCardState(plex: PlexConnection): Promise<PlexCardState> {
  const info = await plex.info();
  return info.state === 'connected' ? { plexConnected: true, plexServer: info.name ?? info.url } : { plexConnected: false, plexServer: null };
}

export async function plexStatus(plex: PlexConnection): Promise<Record<string, unknown>> {
  const info = await plex.info();
  if (info.state !== 'connected') return { plex: { connected: false, problem: info.problem ?? null } };
  return {
    plex: {
      connected: true,
      source: info.source,
      server: info.name,
      machineIdentifier: info.machineIdentifier,
      url: info.url,
      account: info.ownerUsername,
    },
  };
}
