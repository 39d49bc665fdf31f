/**
 * Watch states and ratings on both sides, drawn by share. Plex keeps epoch seconds; Trakt
 * keeps ISO-8601 UTC with milliseconds (`.000Z`), so a play sent from Plex's lastViewedAt
 * is the same instant on both sides.
 */
import type { PlexState, TraktState } from './model.js';
import type { RatingShares, WatchShares } from './options.js';
import type { Rng } from './prng.js';

export type WatchKind = keyof WatchShares | 'neither';
export type RatingKind = keyof RatingShares | 'none';

const YEAR = 365 * 86_400;

export const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString();

const WATCH_KINDS = ['plexOnly', 'traktOnly', 'bothSameTime', 'bothDifferentTime', 'inProgress'] as const;
const RATING_KINDS = ['plexOnly', 'traktOnly', 'bothSame', 'conflicting'] as const;

/** One draw per item, the kinds in a fixed order, so the same seed gives the same kinds. */
function byShare<K extends string, R extends string>(rng: Rng, kinds: readonly K[], shares: Record<K, number>, rest: R): K | R {
  let r = rng.next();
  for (const k of kinds) {
    r -= shares[k];
    if (r < 0) return k;
  }
  return rest;
}

export const pickWatch = (rng: Rng, shares: WatchShares): WatchKind => byShare(rng, WATCH_KINDS, shares, 'neither');
export const pickRating = (rng: Rng, shares: RatingShares): RatingKind => byShare(rng, RATING_KINDS, shares, 'none');

/** A moment in the ~3 years before `now` (never in the last hour, so it is plainly past). */
export const pastInstant = (rng: Rng, now: number): number => now - rng.int(3_600, 3 * YEAR);

const viewCount = (rng: Rng): number => (rng.chance(0.82) ? 1 : rng.chance(0.8) ? 2 : rng.int(3, 5));

export interface SideStates {
  plex: PlexState;
  trakt: TraktState;
}

export function watchStates(rng: Rng, kind: WatchKind, durationMs: number, now: number): SideStates {
  const t = pastInstant(rng, now);
  const unwatched: PlexState = { viewCount: 0, lastViewedAt: null };
  switch (kind) {
    case 'plexOnly':
      return { plex: { viewCount: viewCount(rng), lastViewedAt: t }, trakt: { plays: [] } };
    case 'traktOnly':
      return { plex: unwatched, trakt: { plays: earlierPlays(rng, t, rng.chance(0.85) ? 1 : 2) } };
    case 'bothSameTime': {
      const n = viewCount(rng);
      // Rewatches: Trakt has the earlier plays too; the latest is Plex's lastViewedAt.
      return { plex: { viewCount: n, lastViewedAt: t }, trakt: { plays: earlierPlays(rng, t, n) } };
    }
    case 'bothDifferentTime': {
      // Scrobbled at the start or marked by hand: hours to weeks away from Plex's time.
      const shift = rng.int(3_600, 45 * 86_400) * (rng.chance(0.5) ? -1 : 1);
      const other = Math.min(now - 60, t + shift);
      return { plex: { viewCount: viewCount(rng), lastViewedAt: t }, trakt: { plays: [iso(other)] } };
    }
    case 'inProgress': {
      // Plex sets lastViewedAt on a partial play too: a trap for a sync that reads only that.
      const offset = Math.round((durationMs * (0.05 + rng.next() * 0.8)) / 1000) * 1000;
      return { plex: { viewCount: 0, lastViewedAt: t, viewOffsetMs: Math.max(1000, offset) }, trakt: { plays: [] } };
    }
    default:
      return { plex: unwatched, trakt: { plays: [] } };
  }
}

/** `count` plays, the last at `latest`, the others days to months before it. */
function earlierPlays(rng: Rng, latest: number, count: number): string[] {
  const plays = [iso(latest)];
  let t = latest;
  for (let i = 1; i < count; i++) {
    t -= rng.int(86_400, 120 * 86_400);
    plays.push(iso(t));
  }
  return plays;
}

/** Plex's 0-10 scale: whole stars (even) mostly, half stars (odd) sometimes. */
const plexStars = (rng: Rng): number => (rng.chance(0.7) ? 2 * rng.int(1, 5) : 2 * rng.int(0, 4) + 1);

export interface Ratings {
  plex?: number;
  trakt?: number;
  ratedAt?: string;
}

export function ratings(rng: Rng, kind: RatingKind, now: number): Ratings {
  if (kind === 'none') return {};
  const ratedAt = iso(pastInstant(rng, now));
  const p = plexStars(rng);
  switch (kind) {
    case 'plexOnly':
      return { plex: p };
    case 'traktOnly':
      return { trakt: rng.int(1, 10), ratedAt };
    case 'bothSame':
      return { plex: p, trakt: p, ratedAt };
    default: {
      const t = 1 + ((p - 1 + rng.int(1, 9)) % 10); // any 1-10 but p
      return { plex: p, trakt: t, ratedAt };
    }
  }
}

/** Put ratings onto an item's states (movies and episodes; shows keep theirs apart). */
export function applyRatings(s: SideStates, r: Ratings): SideStates {
  if (r.plex !== undefined) s.plex.userRating = r.plex;
  if (r.trakt !== undefined) {
    s.trakt.rating = r.trakt;
    s.trakt.ratedAt = r.ratedAt;
  }
  return s;
}
