/**
 * What one play session has told us so far, and what a new notification changes. Plex
 * repeats `playing` every few seconds with the position; only a change of state (or a
 * jump in position, at most every two minutes) is worth an event. Pure functions.
 */
import type { PlayNotification } from './notification.js';

/** Who is playing, from `/status/sessions` (asked once, on the first notification of a session). */
export interface SessionWho {
  accountId: number | null;
  accountTitle: string | null;
  playerTitle: string | null;
  playerUuid: string | null;
}

export interface TrackedSession {
  sessionKey: string;
  ratingKey: string;
  who: SessionWho | null;
  /** The state last turned into an event; null until the first one. */
  state: 'playing' | 'paused' | null;
  viewOffset: number;
  /** When `viewOffset` was seen (to tell a seek from playback going on). */
  offsetAt: number;
  /** When the last notification for this session came (a silent session may have vanished). */
  seenAt: number;
  /** When the last start (play, resume or jump) was stored: starts within the duplicate window would be duplicates. */
  startedAt: number;
}

export type Step = 'start' | 'resume' | 'pause' | 'stop' | 'jump' | null;

export interface StepOptions {
  /** A position further than this from where playback should be is a seek. */
  jumpMs: number;
  /** No start (jump) within this long after the last one: the same event that soon is a duplicate anyway. */
  restartAfterMs: number;
}

export const DEFAULT_STEP_OPTIONS: StepOptions = { jumpMs: 60_000, restartAfterMs: 2 * 60_000 };

/** What a notification means for a session we know (or don't yet: `prev` undefined or never emitted). */
export function nextStep(prev: TrackedSession | undefined, n: PlayNotification, now: number, opts: StepOptions = DEFAULT_STEP_OPTIONS): Step {
  if (n.state === 'buffering') return null; // neither playing nor paused: wait for the next word
  if (n.state === 'stopped') return 'stop';
  const last = prev?.state ?? null;
  if (n.state === 'paused') return last === 'paused' ? null : 'pause';
  // playing
  if (last === null) return 'start';
  if (last === 'paused') return 'resume';
  const expected = prev!.viewOffset + Math.max(0, now - prev!.offsetAt);
  const moved = Math.abs(n.viewOffset - expected) > opts.jumpMs;
  return moved && now - prev!.startedAt >= opts.restartAfterMs ? 'jump' : null;
}

/** The session after a notification was handled (a stop removes it; the caller does that). */
export function advance(prev: TrackedSession | undefined, n: PlayNotification, step: Step, now: number, who: SessionWho | null): TrackedSession {
  const emitted = step === 'start' || step === 'resume' || step === 'jump' ? 'playing' : step === 'pause' ? 'paused' : (prev?.state ?? null);
  return {
    sessionKey: n.sessionKey,
    ratingKey: n.ratingKey,
    who: who ?? prev?.who ?? null,
    state: emitted,
    viewOffset: n.viewOffset,
    offsetAt: now,
    seenAt: now,
    startedAt: step === 'start' || step === 'resume' || step === 'jump' ? now : (prev?.startedAt ?? 0),
  };
}

export type LiveEventName = 'media.play' | 'media.resume' | 'media.pause' | 'media.stop' | 'media.scrobble';

/**
 * The webhook event a step stands for. A stop at or past the threshold is a scrobble
 * (Plex's own media.scrobble); below it, media.stop, which the rules turn into a pause.
 */
export function eventFor(step: Exclude<Step, null>, percent: number | null, thresholdPercent: number): LiveEventName {
  if (step === 'start' || step === 'jump') return 'media.play';
  if (step === 'resume') return 'media.resume';
  if (step === 'pause') return 'media.pause';
  return percent !== null && percent >= thresholdPercent ? 'media.scrobble' : 'media.stop';
}
