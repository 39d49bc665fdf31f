/** The sync's Plex port over a Plex server client: the synced sections, their items page by page, and the writes. */
import type { PlexServerClient } from '../plex/server-client.js';
import type { PlexMeta, PlexSectionRef, SyncPlex } from './ports.js';

/**
 * Adapts a Plex server client. `selected` says which movie/show sections are
 * synced (default: every movie and show library, the product's default).
 */
export function plexPortFrom(client: Pick<PlexServerClient, 'sections' | 'itemsPage' | 'markWatched' | 'markUnwatched' | 'rate' | 'metadata'>, machineIdentifier: string, selected: (key: string) => boolean = () => true): SyncPlex {
  return {
    machineIdentifier,
    async sections(): Promise<PlexSectionRef[]> {
      return (await client.sections())
        .filter((s) => (s.type === 'movie' || s.type === 'show') && selected(s.key))
        .map((s) => ({ id: s.key, type: s.type as 'movie' | 'show', title: s.title }));
    },
    async items(sectionId, type, page) {
      const p = await client.itemsPage(sectionId, type, page);
      return { items: p.items as unknown as PlexMeta[], totalSize: p.totalSize };
    },
    markWatched: (ratingKey) => client.markWatched(ratingKey),
    markUnwatched: (ratingKey) => client.markUnwatched(ratingKey),
    rate: (ratingKey, rating) => client.rate(ratingKey, rating),
    async itemState(ratingKey) {
      const m = await client.metadata(ratingKey);
      if (!m) return null;
      return { viewCount: typeof m.viewCount === 'number' ? m.viewCount : 0, lastViewedAt: typeof m.lastViewedAt === 'number' ? m.lastViewedAt : null, userRating: typeof m.userRating === 'number' ? m.userRating : null };
    },
  };
}

