/**
 * After a play reaches Trakt, the History page should show it. The history mirror
 * (engineer E) listens on the live bus topic `history-refresh`; a direct call replaces
 * this once src/history exports one. Never blocks the worker.
 */
import type { AppDeps } from '../web/env.js';

export function notifyHistory(deps: AppDeps, traktAccountId: number): void {
  setImmediate(() => {
    try {
      deps.bus.publish('history-refresh', JSON.stringify({ traktAccountId, at: Date.now() }));
    } catch (err) {
      deps.log.debug({ component: 'scrobble', err }, 'history refresh notice failed');
    }
  });
}
