/**
 * After a play reaches Trakt, the History page should show it: the worker announces it on
 * the live bus (`trakt.play`) and the history mirror refreshes. Never blocks the worker.
 */
import type { Core } from '../core.js';

export function notifyHistory(deps: Pick<Core, 'bus' | 'log'>, traktAccountId: number): void {
  setImmediate(() => {
    try {
      deps.bus.emit('trakt.play', { traktAccountId });
    } catch (err) {
      deps.log.debug({ component: 'scrobble', err }, 'history refresh notice failed');
    }
  });
}
