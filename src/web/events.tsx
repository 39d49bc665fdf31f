/** Webhook events: the page, older rows, the raw payload, Retry / Retry all failed, the dry test event. */
import { Hono } from 'hono';
import { scrubPayloadTokens } from '../log/redact.js';
import { countWebhookEvents, getWebhookEvent, listWebhookEvents, requeueFailed } from '../db/repos/webhook-events.js';
import { EVENT_SOURCES, type EventSource, type WebhookEventRow, type WebhookStatus } from '../db/tables/webhooks.js';
import { EventRow, EventRows } from '../../views/events/event-rows.js';
import { EventsNotice, EventsPage, OlderEventsButton, PayloadView, STATUSES } from '../../views/pages/events.js';
import { TestEventResult } from '../../views/events/dashboard-card.js';
import type { AppDeps, AppEnv } from './env.js';
import { publishEventChange } from './events-live.js';
import { dryRunTestEvent } from '../scrobble/dry-run.js';
import { ledgerForSource } from '../ledger/repo.js';
import { eventTimeline } from '../scrobble/timeline.js';
import { EventDetail, type EventDetailView } from '../../views/events/event-detail.js';
import { forgetNotFoundOfEvents } from '../ledger/not-found.js';
import { readForm } from './form.js';

export const EVENTS_PAGE_SIZE = 100;

export function parseStatus(v: string | undefined): WebhookStatus | undefined {
  return STATUSES.includes(v as WebhookStatus) ? (v as WebhookStatus) : undefined;
}

export function parseSource(v: string | undefined): EventSource | undefined {
  return EVENT_SOURCES.includes(v as EventSource) ? (v as EventSource) : undefined;
}

/** The stored payload, pretty-printed, with every known secret and any Plex token scrubbed. */
export function scrubbedPayload(deps: AppDeps, payload: string): string {
  let text = payload;
  try {
    text = JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    /* show it as stored */
  }
  return scrubPayloadTokens(deps.secretRegistry.scrub(text)); // older rows were stored unscrubbed
}

async function detailView(deps: AppDeps, row: WebhookEventRow): Promise<EventDetailView> {
  const ledger = await ledgerForSource(deps.db, 'webhook', row.id);
  const rawAnswer = row.trakt_answer ? scrubbedPayload(deps, row.trakt_answer) : null;
  return { row, steps: eventTimeline(row, ledger), rawAnswer, payload: scrubbedPayload(deps, row.payload) };
}

export function eventRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/events', async (c) => {
    const { db } = c.var.deps;
    const status = parseStatus(c.req.query('status'));
    const source = parseSource(c.req.query('source'));
    const retried = Number.parseInt(c.req.query('retried') ?? '', 10);
    const [rows, failedCount] = await Promise.all([listWebhookEvents(db, { status, source, limit: EVENTS_PAGE_SIZE }), countWebhookEvents(db, 'failed')]);
    const notice = retried > 0 ? `${retried} failed event${retried === 1 ? '' : 's'} queued again; ${retried === 1 ? 'its row updates' : 'their rows update'} as Trakt answers.` : undefined;
    const openId = Number(c.req.query('open'));
    const opened = rows.find((r) => r.id === openId);
    const open = opened ? await detailView(c.var.deps, opened) : undefined;
    return c.render(<EventsPage view={{ rows, status, source, failedCount, pageSize: EVENTS_PAGE_SIZE, notice, open }} csrf={c.var.csrf} />, { title: 'Webhook events', nav: 'events' });
  });

  app.get('/events/older', async (c) => {
    const before = Number(c.req.query('before'));
    if (!Number.isInteger(before) || before < 1) return c.text('Which events? "before" must be an event id.', 400);
    const status = parseStatus(c.req.query('status'));
    const source = parseSource(c.req.query('source'));
    const rows = await listWebhookEvents(c.var.deps.db, { status, source, beforeId: before, limit: EVENTS_PAGE_SIZE });
    const oldest = rows.at(-1)?.id;
    return c.html(
      <>
        {oldest !== undefined && rows.length >= EVENTS_PAGE_SIZE ? <OlderEventsButton beforeId={oldest} status={status} source={source} /> : <div id="events-older"></div>}
        <hx-partial hx-target="#event-rows" hx-swap="beforeend">
          <EventRows rows={rows} />
        </hx-partial>
      </>,
    );
  });

  app.get('/events/:id{[0-9]+}/payload', async (c) => {
    const row = await getWebhookEvent(c.var.deps.db, Number(c.req.param('id')));
    if (!row) return c.text('That event no longer exists.', 404);
    return c.html(<PayloadView text={scrubbedPayload(c.var.deps, row.payload)} />);
  });

  app.get('/events/:id{[0-9]+}/detail', async (c) => {
    const { deps } = c.var;
    const row = await getWebhookEvent(deps.db, Number(c.req.param('id')));
    if (!row) return c.text('That event no longer exists.', 404);
    return c.html(<EventDetail view={await detailView(deps, row)} />);
  });

  app.post('/events/:id{[0-9]+}/retry', async (c) => {
    const { deps } = c.var;
    const id = Number(c.req.param('id'));
    const requeued = await requeueFailed(deps.db, [id]);
    // Pressing Retry means "ask Trakt again": forget what it did not know about this event's items.
    await forgetNotFoundOfEvents(deps.db, requeued);
    const row = await getWebhookEvent(deps.db, id);
    if (!row) return c.text('That event no longer exists.', 404);
    if (requeued.length) {
      deps.log.info({ component: 'events', eventId: id }, 'failed webhook event queued again');
      deps.webhookQueue?.wake();
    }
    const notice = requeued.length ? 'Queued again: this row updates when Trakt answers.' : 'This event is no longer failed, so it was not queued again.';
    // On the row until its next live update, and in the page's notice line, which stays.
    const label = row.title ?? `event ${id}`;
    return c.html(
      <>
        <EventRow row={row} notice={notice} />
        <hx-partial hx-target="#events-notice" hx-swap="outerHTML">
          <EventsNotice text={requeued.length ? `${label}: queued again; its row updates when Trakt answers.` : `${label}: ${notice}`} />
        </hx-partial>
      </>,
    );
  });

  app.post('/events/retry-failed', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const ids = await requeueFailed(deps.db);
    await forgetNotFoundOfEvents(deps.db, ids);
    if (ids.length) {
      deps.log.info({ component: 'events', count: ids.length }, 'failed webhook events queued again');
      deps.webhookQueue?.wake();
      for (const id of ids) publishEventChange(deps, id);
    }
    // Back to the list the button was pressed on, with a sentence saying what happened.
    const status = parseStatus(form.status);
    return c.redirect(`/events?${status ? `status=${status}&` : ''}retried=${ids.length}`, 303);
  });

  app.post('/events/test', async (c) => {
    const result = await dryRunTestEvent(c.var.deps.webhookQueue?.ports);
    return c.html(<TestEventResult result={result} />);
  });
  return app;
}
