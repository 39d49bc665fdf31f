/**
 * What the sync, the event worker, the Trakt client and the Plex watch are given to raise
 * notifications: one synchronous call that queues and returns at once. It never throws and
 * never waits for a target, so it is safe on any hot path.
 */
import type { NotifyDetails, NotifyEvent } from './events.js';

export interface Notifier {
  raise(event: NotifyEvent, details?: NotifyDetails): void;
}

/** For code that runs without notifications (tests, tools). */
export const silentNotifier: Notifier = { raise() {} };
