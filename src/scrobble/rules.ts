/**
 * The scrobble rules: one Plex webhook event plus what we know (its position, its age,
 * whether the item was scrobbled lately) → one action for Trakt, or a reason not to
 * act. Pure functions; the worker gathers the inputs and carries the action out.
 */

export const STALE_AFTER_MS = 10 * 60 * 1000;
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
export const RESCROBBLE_WINDOW_MS = 6 * 3600 * 1000;
/** Trakt's own threshold: a stop at or above this makes a play. */
export const WATCHED_PERCENT = 80;
/** Plex sends media.scrobble at 90%: that is the least progress it stands for. */
export const SCROBBLE_MIN_PERCENT = 90;

export const USED_EVENTS = ['media.play', 'media.resume', 'media.pause', 'media.stop', 'media.scrobble', 'media.rate'] as const;
export type UsedEvent = (typeof USED_EVENTS)[number];

export function isUsedEvent(event: string): event is UsedEvent {
  return (USED_EVENTS as readonly string[]).includes(event);
}

export type TraktAction = 'scrobble.start' | 'scrobble.pause' | 'scrobble.stop' | 'history.add' | 'rating.add' | 'rating.remove';

export type Decision =
  | { kind: 'send'; action: 'scrobble.start' | 'scrobble.pause' | 'scrobble.stop'; progress: number; note: string }
  | { kind: 'send'; action: 'history.add'; watchedAt: number; note: string }
  | { kind: 'send'; action: 'rating.add'; rating: number; note: string }
  | { kind: 'send'; action: 'rating.remove'; note: string }
  | { kind: 'skip'; status: 'ignored' | 'duplicate' | 'stale'; reason: string };

export interface RuleInput {
  event: string;
  /** When the webhook arrived, and when it is being processed (ms). */
  receivedAt: number;
  now: number;
  /** Percent watched (1-100), or null when neither the payload nor the server said. */
  progress: number | null;
  /** media.rate's top-level rating, Plex's 0-10 scale; null/undefined = cleared. */
  rating?: number | null;
  /** The last play of this item for this Trakt account within the last 6 hours. */
  lastPlayAt: number | null;
  /**
   * Below this a media.stop saves progress (a pause); at or above it, it is a play. Trakt's
   * own 80 unless the event says otherwise (the live listener applies its own threshold).
   */
  watchedPercent?: number;
}

/** 100 × viewOffset / duration, clamped to [1, 100], or null when either is unknown. */
export function progressPercent(viewOffsetMs: number | null | undefined, durationMs: number | null | undefined): number | null {
  if (viewOffsetMs == null || durationMs == null || !Number.isFinite(viewOffsetMs) || !Number.isFinite(durationMs) || durationMs <= 0) return null;
  return clampProgress((100 * viewOffsetMs) / durationMs);
}

export function clampProgress(p: number): number {
  return Math.round(Math.min(100, Math.max(1, p)) * 100) / 100;
}

/** Plex 0-10 (half stars) → Trakt's whole 1-10; null when the rating was cleared. */
export function traktRating(plexRating: number | null | undefined): number | null {
  if (plexRating == null || !Number.isFinite(plexRating) || plexRating <= 0) return null;
  return Math.min(10, Math.max(1, Math.round(plexRating)));
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} minutes`;

export function decide(i: RuleInput): Decision {
  if (!isUsedEvent(i.event)) return { kind: 'skip', status: 'ignored', reason: `Plex event ${i.event} is not used for scrobbling.` };
  const age = Math.max(0, i.now - i.receivedAt);

  if (i.event === 'media.rate') {
    const rating = traktRating(i.rating);
    return rating === null
      ? { kind: 'send', action: 'rating.remove', note: 'rating cleared in Plex' }
      : { kind: 'send', action: 'rating.add', rating, note: `rated ${rating}/10` };
  }

  if (i.event === 'media.scrobble') {
    if (i.lastPlayAt !== null) {
      return { kind: 'skip', status: 'duplicate', reason: `Already scrobbled ${minutes(i.now - i.lastPlayAt)} ago; a repeat within 6 hours is not a new play.` };
    }
    if (age <= STALE_AFTER_MS) {
      const progress = Math.max(i.progress ?? 0, SCROBBLE_MIN_PERCENT);
      return { kind: 'send', action: 'scrobble.stop', progress: clampProgress(progress), note: 'watched: scrobbled' };
    }
    return { kind: 'send', action: 'history.add', watchedAt: i.receivedAt, note: `watched: added to history at the time it arrived (${minutes(age)} late)` };
  }

  // play / resume / pause / stop describe the present: late, they describe nothing.
  if (age > STALE_AFTER_MS) return { kind: 'skip', status: 'stale', reason: `Arrived ${minutes(age)} ago; playback events older than 10 minutes no longer describe anything.` };

  if (i.event === 'media.play' || i.event === 'media.resume') {
    return { kind: 'send', action: 'scrobble.start', progress: i.progress ?? 1, note: 'watching' };
  }
  if (i.progress === null) {
    return { kind: 'skip', status: 'ignored', reason: 'Plex did not say where playback stood, and the Plex server could not be asked.' };
  }
  if (i.event === 'media.pause') return { kind: 'send', action: 'scrobble.pause', progress: i.progress, note: 'paused' };

  // media.stop
  if (i.progress < Math.max(WATCHED_PERCENT, i.watchedPercent ?? WATCHED_PERCENT)) return { kind: 'send', action: 'scrobble.pause', progress: i.progress, note: `stopped at ${Math.floor(i.progress)}%: progress saved` };
  if (i.lastPlayAt !== null) {
    return { kind: 'skip', status: 'duplicate', reason: `Stopped at ${Math.floor(i.progress)}% after it was already scrobbled: still one play.` };
  }
  return { kind: 'send', action: 'scrobble.stop', progress: i.progress, note: `stopped at ${Math.floor(i.progress)}%: scrobbled` };
}

/**
 * The episode numbers a file holds: `S01E01-E03` → 1,2,3; `S01E01E02` → 1,2; a plain
 * `S01E05` (or no match) → just the item's own number. Bounded to 20 episodes.
 */
export function episodesInFile(file: string | undefined, season: number, index: number): number[] {
  if (!file) return [index];
  const name = file.split(/[\\/]/).pop() ?? file;
  const re = /s(\d{1,3})((?:[ ._-]*e\d{1,4})+)(?:-(\d{1,4})(?!\d))?/gi;
  for (const m of name.matchAll(re)) {
    if (Number(m[1]) !== season) continue;
    const nums = [...m[2]!.matchAll(/e(\d{1,4})/gi)].map((x) => Number(x[1]));
    if (m[3]) nums.push(Number(m[3]));
    if (!nums.includes(index)) continue;
    const dashed = /-\s*e?\d+$/i.test(m[0]);
    let out = nums;
    if (nums.length === 2 && dashed && nums[1]! > nums[0]!) out = Array.from({ length: nums[1]! - nums[0]! + 1 }, (_, k) => nums[0]! + k);
    out = [...new Set(out)].filter((n) => n >= index).slice(0, 20);
    return out.length ? out : [index];
  }
  return [index];
}
