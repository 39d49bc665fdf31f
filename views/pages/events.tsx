/** The Webhook events page: newest first, live, filter by status, raw payload on demand, Retry. */
import { EVENT_SOURCES, type EventSource, type WebhookEventRow, type WebhookStatus } from '../../src/db/tables/webhooks.js';
import { CsrfField, EmptyState, PageHeader, secondaryButtonClass } from '../components.js';
import { EventRows, WIDE_ONLY } from '../events/event-rows.js';
import { EventDetail, type EventDetailView } from '../events/event-detail.js';

export const STATUSES: WebhookStatus[] = ['pending', 'sent', 'ignored', 'duplicate', 'stale', 'failed'];

export interface EventsView {
  rows: WebhookEventRow[];
  status?: WebhookStatus;
  source?: EventSource;
  failedCount: number;
  pageSize: number;
  /** An event opened from a link (`?open=id`), shown with its Details. */
  open?: EventDetailView;
  /** A sentence after "Retry all failed". */
  notice?: string;
}

/** The query string of a filtered list (status, source), without the leading `?`. */
function filterQuery(f: { status?: string; source?: string }): string {
  return [f.status ? `status=${f.status}` : '', f.source ? `source=${f.source}` : ''].filter(Boolean).join('&');
}

const SOURCE_LABEL: Record<EventSource, string> = { webhook: 'webhook', live: 'live' };

/** What an empty list of one source means. */
const EMPTY_SOURCE: Record<EventSource, string> = {
  webhook: 'No webhook has arrived: webhooks need Plex Pass and the URL from Settings in Plex Web → Settings → Webhooks.',
  live: 'The live listener has stored nothing yet: plays appear here as the Plex server reports them (PLEX_LIVE, on by default).',
};

/** What an empty filtered list means (the webhook set-up text belongs to the empty unfiltered list). */
const EMPTY_FILTERED: Record<WebhookStatus, string> = {
  pending: 'Nothing is waiting: every event has been handled.',
  sent: 'Nothing has been sent to Trakt yet. Plays, pauses, stops and ratings appear here once Trakt accepts them.',
  ignored: 'No event was ignored (events of other accounts, music and unknown kinds are).',
  duplicate: 'No event was a duplicate of an earlier one.',
  stale: 'No event arrived too late to describe anything.',
  failed: 'Nothing failed: every event Trakt was asked about was accepted.',
};

export function OlderEventsButton(props: { beforeId: number; status?: string; source?: string }) {
  const f = filterQuery(props);
  const q = `before=${props.beforeId}${f ? `&${f}` : ''}`;
  return (
    <div id="events-older" class="mt-3">
      <button class={secondaryButtonClass} hx-get={`/events/older?${q}`} hx-target="#events-older" hx-swap="outerHTML">
        Show older events
      </button>
    </div>
  );
}

export function EventsPage(props: { view: EventsView; csrf: string }) {
  const v = props.view;
  const oldest = v.rows.at(-1)?.id;
  const linkClass = (active: boolean) =>
    `rounded-md px-3 py-1 text-sm ${active ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'}`;
  return (
    <>
      <PageHeader title="Webhook events" subtitle="What Plex told us (by webhook, or live from the server's own notifications), and what was done about it. New events appear as they arrive.">
        {v.failedCount > 0 && (
          <form method="post" action="/events/retry-failed">
            <CsrfField token={props.csrf} />
            {v.status && <input type="hidden" name="status" value={v.status} />}
            <button type="submit" class={secondaryButtonClass} id="retry-all-failed">
              {`Retry all failed (${v.failedCount})`}
            </button>
          </form>
        )}
      </PageHeader>
      <div class="mb-2 flex flex-wrap gap-1" role="group" aria-label="Filter by status">
        <a href={`/events${filterQuery({ source: v.source }) ? `?${filterQuery({ source: v.source })}` : ''}`} class={linkClass(!v.status)} aria-current={!v.status ? 'page' : undefined}>
          all
        </a>
        {STATUSES.map((s) => (
          <a href={`/events?${filterQuery({ status: s, source: v.source })}`} class={linkClass(v.status === s)} aria-current={v.status === s ? 'page' : undefined}>
            {s}
          </a>
        ))}
      </div>
      <div class="mb-4 flex flex-wrap gap-1" role="group" aria-label="Filter by source">
        <a href={`/events${filterQuery({ status: v.status }) ? `?${filterQuery({ status: v.status })}` : ''}`} class={linkClass(!v.source)} aria-current={!v.source ? 'page' : undefined}>
          every source
        </a>
        {EVENT_SOURCES.map((s) => (
          <a href={`/events?${filterQuery({ status: v.status, source: s })}`} class={linkClass(v.source === s)} aria-current={v.source === s ? 'page' : undefined}>
            {SOURCE_LABEL[s]}
          </a>
        ))}
      </div>
      <EventsNotice text={v.notice} />
      {v.rows.length === 0 &&
        (v.status ? (
          <EmptyState title={`No ${v.status}${v.source ? ` ${v.source}` : ''} events`}>{EMPTY_FILTERED[v.status]}</EmptyState>
        ) : v.source ? (
          <EmptyState title={`No ${v.source} events`}>{EMPTY_SOURCE[v.source]}</EmptyState>
        ) : (
          <EmptyState title="No webhook events yet">
            Add the webhook URL from Settings in Plex Web → Settings → Webhooks. Every event Plex sends appears here with the
            decision taken and Trakt's answer.
          </EmptyState>
        ))}
      {/* A filtered list with nothing in it has no table: only the unfiltered one takes new events live. */}
      <p class={`mb-2 text-xs text-slate-600 md:hidden dark:text-slate-400 ${(v.status || v.source) && v.rows.length === 0 ? 'hidden' : ''}`} id="events-narrow-hint">
        On a narrow screen the event, account, player and Trakt's answer are under each row's Details.
      </p>
      <div tabindex={0} aria-label="Webhook events" class={`relative overflow-x-auto rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900 ${(v.status || v.source) && v.rows.length === 0 ? 'hidden' : ''}`}>
        <table class="w-full text-left">
          <thead class="text-xs uppercase text-slate-600 dark:text-slate-400">
            <tr>
              <th class="pb-2 pr-3">Time</th>
              <th class={`pb-2 pr-3 ${WIDE_ONLY}`}>Event</th>
              <th class={`pb-2 pr-3 ${WIDE_ONLY}`}>Source</th>
              <th class={`pb-2 pr-3 ${WIDE_ONLY}`}>Account</th>
              <th class={`pb-2 pr-3 ${WIDE_ONLY}`}>Player</th>
              <th class="pb-2 pr-3">Item</th>
              <th class="pb-2 pr-3">Decision</th>
              <th class={`pb-2 pr-3 ${WIDE_ONLY}`}>Trakt's answer</th>
              <th class="pb-2">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          {/* Only the unfiltered list takes new events live; every list takes updates of its rows. */}
          <tbody id="event-rows" data-prepend={v.status || v.source ? undefined : ''}>
            <EventRows rows={v.rows} open={v.open && <EventDetail view={v.open} />} openId={v.open?.row.id} />
          </tbody>

        </table>
      </div>
      {oldest !== undefined && v.rows.length >= v.pageSize && <OlderEventsButton beforeId={oldest} status={v.status} source={v.source} />}
      <div hx-sse:connect="/live?topics=events" hx-swap="none" class="hidden"></div>
    </>
  );
}

/** The page's sentence after Retry / Retry all failed; always present so a Retry can fill it. */
export function EventsNotice(props: { text?: string }) {
  return (
    <p class={props.text ? 'mb-4 rounded-md bg-sky-50 p-2 text-sm text-sky-800 dark:bg-sky-950 dark:text-sky-200' : 'hidden'} id="events-notice" role="status">
      {props.text ?? ''}
    </p>
  );
}

export function PayloadView(props: { text: string }) {
  return <pre tabindex={0} class="mt-2 max-h-96 max-w-xl overflow-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-950">{props.text}</pre>;
}
