/** The sync's Plex port over a Plex server client: the synced sections, their items page by page, and the writes. */
import { PlexUnauthorizedError } from '../plex/errors.js';
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


/**
 * A household member's port that, the first time the server refuses their token (401), gets
 * them a new one (`renew`: plex.tv's switch or shared servers) and asks again; a 401 writes
 * nothing, so a write may be asked again too. Renewed once per run at most: a second 401, or no
 * new token, is the original refusal.
 */
export function renewingOn401(first: SyncPlex, renew: () => Promise<SyncPlex | null>): SyncPlex {
  let current = first;
  let renewal: Promise<SyncPlex | null> | null = null;
  const call = async <T>(f: (p: SyncPlex) => Promise<T>): Promise<T> => {
    const used = current;
    try {
      return await f(used);
    } catch (err) {
      if (!(err instanceof PlexUnauthorizedError)) throw err;
      renewal ??= renew().catch(() => null);
      const fresh = await renewal;
      if (!fresh || fresh === used) throw err;
      current = fresh;
      return f(fresh);
    }
  };
  return {
    machineIdentifier: first.machineIdentifier,
    sections: () => call((p) => p.sections()),
    items: (...a) => call((p) => p.items(...a)),
    markWatched: (k) => call((p) => p.markWatched(k)),
    markUnwatched: (k) => call((p) => p.markUnwatched(k)),
    rate: (k, r) => call((p) => p.rate(k, r)),
    itemState: (k) => call((p) => p.itemState(k)),
  };
}
