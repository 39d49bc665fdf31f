/** Live-session metrics, registered once: what the listener heard, stored, and how often it had to reconnect. */
import { metrics } from '../metrics/registry.js';

export const liveNotifications = metrics.counter('pts_live_notifications_total', 'Play notifications heard from the Plex server, by state.');
export const liveEventsStored = metrics.counter('pts_live_events_total', 'Events the live listener stored, by event.');
export const liveReconnects = metrics.counter('pts_live_reconnects_total', 'Times the notifications socket closed or could not open (each is retried).');
