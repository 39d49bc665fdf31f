/** Renders the live listener's state onto the dashboard's Plex card, on load and as it changes (the dashboard's topic). */
import { PlexLiveLine } from '../../views/live/plex-live-line.js';
import type { LiveStatus } from '../plex-live/listener.js';
import { liveLine, type LiveLine } from '../plex-live/status.js';
import type { AppDeps } from './env.js';

/**
 * The dashboard's one live topic (DASHBOARD_TOPIC in dashboard-live.tsx) carries the card's line too:
 * one stream per page. Spelled out here: importing that module from here would make an import cycle
 * through the status parts.
 */
export const PLEX_LIVE_TOPIC = 'dashboard';

/** The line for the card now; null when no Plex server is connected and the listener is on (nothing to say). */
export function plexLiveLine(deps: Pick<AppDeps, 'config' | 'plexLive'>, now = Date.now()): LiveLine {
  if (!deps.config.plex.live) return liveLine(null, now);
  return liveLine(deps.plexLive?.status() ?? { connection: { state: 'idle', reason: 'the listener has not started' }, sessions: 0, eventsStored: 0, notifications: 0 }, now);
}

/**
 * The `live` part of /api/v1/status: off, or the connection's state (since, or attempt,
 * next retry and reason) and counts; nothing from a process that does not listen (the CLI).
 */
export function plexLiveStatus(deps: Pick<AppDeps, 'config' | 'plexLive'>): Record<string, unknown> {
  if (!deps.config.plex.live || !deps.plexLive) return { live: { state: 'off' } };
  if (!deps.plexLive.started) return {};
  const s = deps.plexLive.status();
  const c = s.connection;
  const detail =
    c.state === 'listening'
      ? { since: new Date(c.since).toISOString(), server: c.server }
      : c.state === 'reconnecting'
        ? { attempt: c.attempt, nextAttemptAt: new Date(c.nextAt).toISOString(), reason: c.reason }
        : c.state === 'idle'
          ? { reason: c.reason }
          : {};
  return { live: { state: c.state, ...detail, sessions: s.sessions, notifications: s.notifications, eventsStored: s.eventsStored } };
}

export function publishPlexLiveStatus(deps: Pick<AppDeps, 'bus' | 'log'>, status: LiveStatus): void {
  if (!deps.bus.hasSubscribers(PLEX_LIVE_TOPIC)) return;
  try {
    const html = (
      <hx-partial hx-target="#plex-live-status" hx-swap="outerHTML">
        <PlexLiveLine line={liveLine(status, Date.now())} />
      </hx-partial>
    );
    deps.bus.publish(PLEX_LIVE_TOPIC, html.toString());
  } catch (err) {
    deps.log.debug({ component: 'plex-live', err }, 'live status not published');
  }
}
