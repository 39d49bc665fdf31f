/**
 * Turns the domain's live events into page fragments: a sync run's progress, a changed
 * webhook event's row (and a new one the live listener stored), the History page's status
 * and new plays, what is playing now, the live listener's line on the dashboard. Attached once per
 * context (src/context.ts); each renderer skips the work when no page listens.
 */
import type { AppDeps } from './env.js';
import { publishEventChange, publishNewEvent } from './events-live.js';
import { publishPlexLiveStatus } from './plex-live.js';
import { publishHistoryChange, publishHistoryProgress } from './history-live.js';
import { publishNowPlaying } from './dashboard-live.js';

export function attachLiveRenderers(deps: AppDeps): void {
  const { bus } = deps;
  bus.on('sync.progress', (run) => {
    void deps.runPublisher.publish(run);
    if (run.status !== 'running') deps.runPublisher.publishLate(run);
  });
  bus.on('webhook.changed', ({ id }) => publishEventChange(deps, id));
  bus.on('webhook.stored', ({ id }) => publishNewEvent(deps, id));
  bus.on('plex-live.status', (status) => publishPlexLiveStatus(deps, status));
  bus.on('history.progress', ({ accountId }) => publishHistoryProgress(deps, accountId));
  bus.on('history.changed', ({ accountId, before }) => publishHistoryChange(deps, accountId, before));
  bus.on('now_playing.changed', (snap) => publishNowPlaying(deps, snap));
}
