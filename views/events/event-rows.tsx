/**
 * Webhook events as table rows: the page, the "older" fragment and the live updates all use
 * this. Each event is two rows: the event, and a full-width row its Details open into (so an
 * open payload never squeezes the table's columns).
 */
import type { Child } from 'hono/jsx';
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';
import { answerInWords } from '../../src/scrobble/answer-words.js';

const statusClass: Record<string, string> = {
  pending: 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200',
  sent: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200',
  ignored: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  duplicate: 'bg-violet-100 text-violet-800 dark:bg-violet-900 dark:text-violet-200',
  stale: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  failed: 'bg-rose-100 text-rose-800 dark:bg-rose-900 dark:text-rose-200',
};

/** Columns a phone leaves out (they are in the Details row). */
export const WIDE_ONLY = 'hidden md:table-cell';

/** `notice`: a sentence after the user's own action on this row (Retry). */
export function EventRow(props: { row: WebhookEventRow; notice?: string }) {
  const r = props.row;
  const iso = new Date(r.received_at).toISOString();
  const answer = answerInWords(r.trakt_answer);
  return (
    <tr id={`event-${r.id}`} class="border-t border-slate-100 align-top dark:border-slate-800" data-status={r.status}>
      <td class="py-2 pr-3 text-xs text-slate-600 md:whitespace-nowrap dark:text-slate-400">
        <time datetime={iso} data-local="">
          {iso}
        </time>
      </td>
      <td class={`py-2 pr-3 font-mono text-xs ${WIDE_ONLY}`}>{r.event}</td>
      <td class={`event-source py-2 pr-3 text-xs ${WIDE_ONLY}`} data-source={r.source}>
        {r.source === 'live' ? 'live' : 'webhook'}
      </td>
      <td class={`py-2 pr-3 text-sm ${WIDE_ONLY}`}>{r.account_title ?? (r.account_id !== null ? `#${r.account_id}` : '—')}</td>
      <td class={`py-2 pr-3 text-sm ${WIDE_ONLY}`}>{r.player_title ?? '—'}</td>
      <td class="py-2 pr-3 text-sm">{r.title ?? '—'}</td>
      <td class="py-2 pr-3 text-sm">
        <span class={`event-status inline-block rounded px-2 py-0.5 text-xs font-medium ${statusClass[r.status] ?? ''}`}>{r.status}</span>
        {r.attempts > 1 && <span class="ml-1 text-xs text-slate-600 dark:text-slate-400">{`${r.attempts} attempts`}</span>}
        {r.reason && <p class="event-reason mt-1 text-xs text-slate-600 dark:text-slate-400">{r.reason}</p>}
        {props.notice && (
          <p class="event-notice mt-1 text-xs font-medium text-sky-700 dark:text-sky-300" role="status">
            {props.notice}
          </p>
        )}
      </td>
      <td class={`py-2 pr-3 text-sm ${WIDE_ONLY}`}>
        {answer ? <span class="event-answer">{answer}</span> : <span class="text-slate-600 dark:text-slate-400">—</span>}
      </td>
      <td class="py-2 text-right text-xs">
        {/* Stacked on a phone, side by side from md up: the table fits the screen either way. */}
        <div class="flex flex-col items-end gap-1 md:flex-row md:justify-end">
        {r.status === 'failed' && (
          <button
            class="event-retry rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            hx-post={`/events/${r.id}/retry`}
            hx-target={`#event-${r.id}`}
            hx-swap="outerHTML"
          >
            Retry
          </button>
        )}
        {r.status === 'sent' && (
          <a class="event-undo mr-2 rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" href={`/events/${r.id}/undo`}>
            Undo
          </a>
        )}
        <button
          class="event-details event-payload rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          hx-get={`/events/${r.id}/detail`}
          hx-target={`#event-detail-${r.id}`}
          hx-swap="outerHTML"
          aria-controls={`event-detail-${r.id}`}
        >
          Details
        </button>
        </div>
      </td>
    </tr>
  );
}

/** The closed Details row: a placeholder the Details button fills. */
export function EventDetailSlot(props: { id: number }) {
  return <tr id={`event-detail-${props.id}`} class="event-detail-slot hidden"></tr>;
}

/** An event and its (closed) Details row. */
export function EventPair(props: { row: WebhookEventRow; detail?: Child }) {
  return (
    <>
      <EventRow row={props.row} />
      {props.detail ?? <EventDetailSlot id={props.row.id} />}
    </>
  );
}

/** The rows; `open` (the Details of event `openId`) replaces that event's closed slot. */
export function EventRows(props: { rows: WebhookEventRow[]; open?: Child; openId?: number }) {
  return (
    <>
      {props.rows.map((row) => (
        <EventPair row={row} detail={row.id === props.openId ? props.open : undefined} />
      ))}
    </>
  );
}
