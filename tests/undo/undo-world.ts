/**
 * What the undo tests compare: Trakt's plays (by history id) and ratings, and every Plex
 * item's watched state and rating, read straight from the emulators.
 */
import type { SyncWorld } from '../sync/sync-world.js';
import { DEFAULT_CLIENT_ID } from '../fakes/trakt/index.js';

export interface Snapshot {
  plays: Array<{ id: number; trakt: number; watched_at: string }>;
  ratings: Record<string, number>;
  plex: Record<string, { viewCount: number; lastViewedAt: number | null; userRating: number | null }>;
}

export function snapshot(w: SyncWorld): Snapshot {
  const user = w.lib.owner.traktUsername;
  const plays = w.trakt.plays(user).map((p) => ({ id: p.id, trakt: p.trakt, watched_at: p.watched_at })).sort((a, b) => a.id - b.id);
  const ratings = Object.fromEntries(w.trakt.ratings(user).map((r) => [`${r.type}:${r.trakt}`, r.rating]));
  const plex = Object.fromEntries([...w.plex.items].map(([k, it]) => [k, { viewCount: it.state.viewCount, lastViewedAt: it.state.lastViewedAt, userRating: it.state.userRating ?? null }]));
  return { plays, ratings, plex };
}

/** A scrobble as the webhook worker sends it (Trakt stamps it now). */
export async function scrobbleOnTrakt(w: SyncWorld, movieTrakt: number): Promise<void> {
  const res = await fetch(`${w.trakt.url}/scrobble/stop`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'user-agent': 'undo-tests/1.0', 'trakt-api-key': DEFAULT_CLIENT_ID, 'trakt-api-version': '2',
      authorization: `Bearer ${w.trakt.issueToken(w.lib.owner.traktUsername).access_token}`,
    },
    body: JSON.stringify({ movie: { ids: { trakt: movieTrakt } }, progress: 95 }),
  });
  if (res.status !== 201) throw new Error(`scrobble answered ${res.status}`);
}
