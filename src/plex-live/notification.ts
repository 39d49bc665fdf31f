/**
 * The frames a Plex server sends on `/:/websockets/notifications` (API.md G): each is
 * `{"NotificationContainer": {type, size, ...}}`. Only `playing` matters here; every other
 * type (timeline, activity, transcodeSession.*, reachability, status) is noise we count.
 */

export type PlayState = 'playing' | 'paused' | 'stopped' | 'buffering';

/** One entry of `PlaySessionStateNotification[]`. */
export interface PlayNotification {
  sessionKey: string;
  ratingKey: string;
  state: PlayState;
  /** Milliseconds into the item. */
  viewOffset: number;
  clientIdentifier: string | null;
}

export type Frame = { type: 'playing'; plays: PlayNotification[] } | { type: string; plays?: undefined };

const STATES = new Set<string>(['playing', 'paused', 'stopped', 'buffering']);
const key = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

/** Reads one frame; null when it is not a NotificationContainer (a garbled frame is dropped, not fatal). */
export function parseFrame(text: string): Frame | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const nc = (json as { NotificationContainer?: unknown } | null)?.NotificationContainer;
  if (!nc || typeof nc !== 'object') return null;
  const type = (nc as { type?: unknown }).type;
  if (typeof type !== 'string') return null;
  if (type !== 'playing') return { type };
  const list = (nc as { PlaySessionStateNotification?: unknown }).PlaySessionStateNotification;
  const plays: PlayNotification[] = [];
  for (const p of Array.isArray(list) ? list : []) {
    if (!p || typeof p !== 'object') continue;
    const o = p as Record<string, unknown>;
    const sessionKey = key(o.sessionKey);
    const ratingKey = key(o.ratingKey);
    const state = typeof o.state === 'string' && STATES.has(o.state) ? (o.state as PlayState) : null;
    const offset = Number(o.viewOffset);
    if (!sessionKey || !ratingKey || !state) continue;
    plays.push({ sessionKey, ratingKey, state, viewOffset: Number.isFinite(offset) && offset >= 0 ? offset : 0, clientIdentifier: key(o.clientIdentifier) });
  }
  return { type, plays };
}
