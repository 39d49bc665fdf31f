/**
 * The demo household's own watched state, different for each person, so a sync visibly fills
 * each person's own Trakt account from their own Plex state (and marks their Plex from their
 * Trakt): the friend and the kid each watched a few movies in Plex (as their own accounts: the
 * server keeps watch state per token) and have a few other plays on their own Trakt accounts.
 * Taken from the end of the library, away from what the owner's generated state and the demo's
 * tests use.
 */
import { isEdgeKey, type Library, type LibMovie } from '../library/index.js';
import type { PlexFakes } from '../plex/index.js';
import type { TraktFake } from '../trakt/index.js';

export interface PersonSeed {
  plexAccountId: number;
  traktUsername: string;
  /** Watched in Plex as this person. */
  plexWatched: LibMovie[];
  /** Plays on this person's own Trakt account. */
  traktPlays: LibMovie[];
}

/** Movies nobody has touched: no owner state on either side, one copy in Plex. */
function untouched(library: Library, plex: PlexFakes): LibMovie[] {
  return library.movies.filter(
    (m) => m.traktId !== null && m.agent === 'modern' && !isEdgeKey(m.key) && m.trakt.plays.length === 0 && m.plex.viewCount === 0 && m.trakt.rating === undefined && m.plex.userRating === undefined && plex.pms.ratingKeysOf(m.key).length === 1,
  );
}

export function seedHousehold(library: Library, plex: PlexFakes, trakt: TraktFake, people: Array<{ plexAccountId: number; traktUsername: string }>, each = { plex: 4, trakt: 2 }): PersonSeed[] {
  // Only the later half of the untouched movies: the earlier ones stay free for the demo's own plays and tests.
  const all = untouched(library, plex);
  const pool = all.slice(Math.ceil(all.length / 2)).reverse();
  const out: PersonSeed[] = [];
  let at = 0;
  const take = (n: number) => pool.slice(at, (at += n));
  for (const p of people) {
    const seed = { ...p, plexWatched: take(each.plex), traktPlays: take(each.trakt) };
    // Kept apart from the library model (which is the owner's), so the owner's state is unchanged.
    for (const m of seed.plexWatched) plex.pms.markWatched(m.key, p.plexAccountId);
    seed.traktPlays.forEach((m, i) => trakt.addPlay(p.traktUsername, { type: 'movie', trakt: m.traktId! }, new Date(Date.UTC(2026, 0, 10 + i, 20)).toISOString()));
    out.push(seed);
  }
  return out;
}
