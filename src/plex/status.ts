/** Plex's part of /api/v1/status and `plex-trakt-sync status`, and the dashboard card's state (no network). */
import type { AppDeps } from '../web/env.js';
import { statusParts } from '../web/status.js';
import { plexConnectionInfo } from './connected.js';

export interface PlexCardState {
  plexConnected: boolean;
  plexServer: string | null;
}

export async function plexCardState(deps: AppDeps): Promise<PlexCardState> {
  const info = await plexConnectionInfo(deps);
  return info.state === 'connected' ? { plexConnected: true, plexServer: info.name ?? info.url } : { plexConnected: false, plexServer: null };
}

statusParts.push(async (deps) => {
  const info = await plexConnectionInfo(deps);
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
});
