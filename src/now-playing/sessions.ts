/**
 * What is playing on the Plex server, as the dashboard shows it: `/status/sessions` entries
 * turned into plain rows (who, where, what, how far). Pure: tested without HTTP.
 */
import type { ExternalIds } from '../ledger/item-key.js';
import type { PlexSession } from '../plex/types.js';

export type PlayState = 'playing' | 'paused' | 'buffering';

export interface NowPlaying {
  sessionKey: string;
  ratingKey: string;
  type: 'movie' | 'episode';
  /** The movie's or the show's title. */
  title: string;
  /** "S01E02 · Episode title" for an episode; the year for a movie. */
  detail: string | null;
  /** The Plex account's name. */
  user: string;
  /** The player's name ("Living Room TV"), and whether it is on the server's network. */
  player: string;
  local: boolean | null;
  state: PlayState;
  /** 0-100, or null when Plex gives no position or duration. */
  progress: number | null;
  /** The movie's or the show's ids (for its poster), once looked up. */
  posterIds: ExternalIds | null;
  /** The key whose ids give the poster: the movie itself, or the episode's show. */
  posterKey: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

function pad(n: unknown): string {
  return typeof n === 'number' && Number.isFinite(n) ? String(n).padStart(2, '0') : '??';
}

/** Plex's player state as one of ours; stopped (or unknown) sessions are not shown. */
function stateOf(s: PlexSession): PlayState | null {
  const st = s.Player?.state;
  if (st === 'playing' || st === 'paused' || st === 'buffering') return st;
  return st === undefined ? 'playing' : null;
}

export function progressOf(viewOffset: unknown, duration: unknown): number | null {
  if (typeof viewOffset !== 'number' || typeof duration !== 'number' || !(duration > 0) || viewOffset < 0) return null;
  return Math.min(100, Math.round((100 * viewOffset) / duration));
}

/** One session as a dashboard row; undefined for what is not a movie or an episode (music, photos, live TV). */
export function nowPlayingOf(s: PlexSession): Omit<NowPlaying, 'posterIds'> | undefined {
  if (s.type !== 'movie' && s.type !== 'episode') return undefined;
  const state = stateOf(s);
  if (!state) return undefined;
  const episode = s.type === 'episode';
  const title = episode ? (str(s.grandparentTitle) ?? str(s.title) ?? 'Untitled show') : (str(s.title) ?? 'Untitled movie');
  const detail = episode ? `S${pad(s.parentIndex)}E${pad(s.index)}${str(s.title) ? ` · ${str(s.title)}` : ''}` : typeof s.year === 'number' ? String(s.year) : null;
  return {
    sessionKey: str(s.sessionKey) ?? `${s.ratingKey}:${str(s.Player?.machineIdentifier) ?? ''}`,
    ratingKey: s.ratingKey,
    type: s.type,
    title,
    detail,
    user: str(s.User?.title) ?? 'Someone',
    player: str(s.Player?.title) ?? 'a player',
    local: typeof s.Player?.local === 'boolean' ? s.Player.local : null,
    state,
    progress: progressOf(s.viewOffset, s.duration),
    posterKey: episode ? (str(s.grandparentRatingKey) ?? s.ratingKey) : s.ratingKey,
  };
}

/** Whether two snapshots would look the same on the page (progress counted in whole percents). */
export function sameSnapshot(a: NowPlaying[], b: NowPlaying[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    return x.sessionKey === y.sessionKey && x.ratingKey === y.ratingKey && x.state === y.state && x.progress === y.progress && x.user === y.user && x.player === y.player && JSON.stringify(x.posterIds) === JSON.stringify(y.posterIds);
  });
}
