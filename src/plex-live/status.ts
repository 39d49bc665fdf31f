/**
 * The listener's state in words, for the Plex card on the dashboard (the web layer renders
 * it): "listening since …", or "reconnecting (attempt 7, next in 40 s): <reason>".
 */
import type { LiveStatus } from './listener.js';

export type LiveLine =
  | { state: 'off'; text: string }
  | { state: 'listening'; text: string; since: number }
  | { state: 'idle' | 'connecting' | 'reconnecting' | 'stopped'; text: string };

export function liveLine(status: LiveStatus | null, now: number): LiveLine {
  if (!status) return { state: 'off', text: 'Live: off (PLEX_LIVE=off): plays reach Trakt by webhooks only.' };
  const c = status.connection;
  switch (c.state) {
    case 'listening':
      return { state: 'listening', text: 'Live: listening since', since: c.since };
    case 'reconnecting': {
      const secs = Math.max(0, Math.round((c.nextAt - now) / 1000));
      return { state: 'reconnecting', text: `Live: reconnecting (attempt ${c.attempt}, next in ${secs} s): ${c.reason}` };
    }
    case 'connecting':
      return { state: 'connecting', text: c.attempt > 1 ? `Live: connecting (attempt ${c.attempt})…` : 'Live: connecting…' };
    case 'idle':
      return { state: 'idle', text: `Live: waiting: ${c.reason}.` };
    case 'stopped':
      return { state: 'stopped', text: 'Live: stopped.' };
  }
}
