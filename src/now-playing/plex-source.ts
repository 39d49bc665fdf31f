/** The now-playing service's view of the connected Plex server: its sessions, and an item's ids for the poster. */
import { parsePlexGuids } from '../plex/guid.js';
import type { PlexServerClient } from '../plex/server-client.js';
import type { NowPlayingSource } from './service.js';

export function plexNowPlayingSource(server: () => Promise<Pick<PlexServerClient, 'sessions' | 'metadata'> | null>): NowPlayingSource {
  return {
    async sessions() {
      const client = await server();
      return client ? client.sessions() : null;
    },
    async ids(ratingKey) {
      const client = await server();
      const m = client ? await client.metadata(ratingKey) : null;
      return m ? parsePlexGuids(m).ids : null;
    },
  };
}
