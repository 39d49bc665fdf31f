/**
 * Live rows for the events page: a new event is prepended on the unfiltered page
 * (`#event-rows[data-prepend]`), a changed one replaces its row wherever it is shown.
 */
import { getWebhookEvent } from '../db/repos/webhook-events.js';
import { EventPair, EventRow } from '../../views/events/event-rows.js';
import type { AppDeps } from './env.js';
import { dashboardEventChanged } from './dashboard-live.js';

export const EVENTS_TOPIC = 'events';

export function publishNewEvent(deps: AppDeps, id: number): void {
  dashboardEventChanged(deps);
  if (!deps.bus.hasSubscribers(EVENTS_TOPIC)) return;
  void render(deps, id, 'new');
}

export function publishEventChange(deps: AppDeps, id: number): void {
  dashboardEventChanged(deps);
  if (!deps.bus.hasSubscribers(EVENTS_TOPIC)) return;
  void render(deps, id, 'change');
}

async function render(deps: AppDeps, id: number, kind: 'new' | 'change'): Promise<void> {
  try {
    const row = await getWebhookEvent(deps.db, id);
    if (!row) return;
    const html =
      kind === 'new' ? (
        <hx-partial hx-target="#event-rows[data-prepend]" hx-swap="afterbegin">
          <EventPair row={row} />
        </hx-partial>
      ) : (
        <hx-partial hx-target={`#event-${id}`} hx-swap="outerHTML">
          <EventRow row={row} />
        </hx-partial>
      );
    deps.bus.publish(EVENTS_TOPIC, html.toString());
  } catch (err) {
    deps.log.debug({ component: 'events', err }, 'live event row not published');
  }
}
