/**
 * The Plex side of the webhook worker's and the sync's ports (src/scrobble/ports.ts,
 * src/sync/ports.ts), over the connected server. Their wiring can use these directly:
 * `...scrobblePlexPorts(plex)` and `plex: syncPlexPort(plex)`.
 */
import type { ConnectedServer, PlexLookups, PlexPosition } from '../scrobble/ports.js';
import type { SyncPlex } from '../sync/ports.js';
import { plexPortFrom } from '../sync/plex-port.js';
import { parsePlexGuids } from '../plex/guid.js';
import type { PlexMetadata } from '../plex/types.js';
import type { PlexConnection } from './connection.js';

const position = (m: PlexMetadata | undefined | null): PlexPosition | null =>
  m ? { viewOffset: typeof m.viewOffset === 'number' ? m.viewOffset : null, duration: typeof m.duration === 'number' ? m.duration : null } : null;

const IDENTITY_RETRY_MS = 60_000;

/** connectedServer, librarySelected and plex lookups for the webhook worker. */
export function scrobblePlexPorts(plex: PlexConnection): {
  connectedServer(): Promise<ConnectedServer | null>;
  librarySelected(sectionId: string): Promise<boolean>;
  plex(): Promise<PlexLookups | null>;
} {
  // The environment's server is asked its identity once (then remembered). While it cannot be
  // reached its identity is unknown (uuid null: events wait, so that plays on another server
  // never go out as the owner's), and it is asked again at most once a minute, not per event.
  let unreachableUntil = 0;
  return {
    async connectedServer() {
      const info = await plex.info();
      if (info.state !== 'connected') return null;
      if (info.machineIdentifier) return { uuid: info.machineIdentifier, ownerUsername: info.ownerUsername };
      if (Date.now() < unreachableUntil) return { uuid: null, ownerUsername: info.ownerUsername };
      const uuid = await plex.machineIdentifier().catch(() => null);
      if (!uuid) unreachableUntil = Date.now() + IDENTITY_RETRY_MS;
      return { uuid, ownerUsername: info.ownerUsername };
    },
    librarySelected: (sectionId) => plex.sectionSelected(sectionId),
    async plex() {
      const client = await plex.server();
      if (!client) return null;
      return {
        sessionPosition: async (ratingKey, player) => {
          const playing = (await client.sessions()).filter((s) => s.ratingKey === ratingKey);
          if (player) return position(playing.find((s) => s.Player?.machineIdentifier === player));
          return playing.length === 1 ? position(playing[0]) : null;
        },
        itemPosition: async (ratingKey) => position(await client.metadata(ratingKey)),
        showIds: async (ratingKey) => {
          const m = await client.metadata(ratingKey);
          return m ? parsePlexGuids(m).ids : null;
        },
      };
    },
  };
}

/** The sync's Plex port: the connected server and its selected movie and show sections, or null. */
export function syncPlexPort(plex: PlexConnection): () => Promise<SyncPlex | null> {
  return async () => {
    const client = await plex.server();
    if (!client) return null;
    const machineIdentifier = await plex.machineIdentifier();
    const unticked = await plex.untickedSections();
    return plexPortFrom(client, machineIdentifier ?? (await client.identity()).machineIdentifier, (key) => !unticked.has(key));
  };
}
