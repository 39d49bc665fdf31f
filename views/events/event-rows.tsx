/** Webhook events as table rows: the page, the "older" fragment and the live updates all use this. */
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';

const statusClass: Record<string, string> = {
  pending: 'bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200',
  sent: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200',
  ignored: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  duplicate: 'bg-violet-100 text-violet-800 dark:bg-violet-900 dark:text-violet-200',
  stale: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  failed: 'bg-rose-100 text-rose-800 dark:bg-rose-900 dark:text-rose-200',
};

function answerText(row: WebhookEventRow): string | null {
  if (!row.trakt_answer) return null;
  const text = row.trakt_answer;
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** `notice`: a sentence after the user's own action on this row (Retry). */
export function EventRow(props: { row: WebhookEventRow; notice?: string }) {
  const r = props.row;
  const iso = new Date(r.received_at).toISOString();
  const answer = answerText(r);
  return (
    <tr id={`event-${r.id}`} class="border-t border-slate-100 align-top dark:border-slate-800" data-status={r.status}>
      <td class="whitespace-nowrap py-2 pr-3 text-xs text-slate-500">
        <time datetime={iso} data-local="">
          {iso}
        </time>
      </td>
      <td class="py-2 pr-3 font-mono text-xs">{r.event}</td>
      <td class="event-source py-2 pr-3 text-xs" data-source={r.source}>
        {r.source === 'live' ? 'live' : 'webhook'}
      </td>
      <td class="py-2 pr-3 text-sm">{r.account_title ?? (r.account_id !== null ? `#${r.account_id}` : '—')}</td>
      <td class="py-2 pr-3 text-sm">{r.player_title ?? '—'}</td>
      <td class="py-2 pr-3 text-sm">{r.title ?? '—'}</td>
      <td class="py-2 pr-3 text-sm">
        <span class={`event-status inline-block rounded px-2 py-0.5 text-xs font-medium ${statusClass[r.status] ?? ''}`}>{r.status}</span>
        {r.attempts > 1 && <span class="ml-1 text-xs text-slate-500">{`${r.attempts} attempts`}</span>}
        {r.reason && <p class="event-reason mt-1 text-xs text-slate-600 dark:text-slate-400">{r.reason}</p>}
        {props.notice && (
          <p class="event-notice mt-1 text-xs font-medium text-sky-700 dark:text-sky-300" role="status">
            {props.notice}
          </p>
        )}
      </td>
      <td class="max-w-xs py-2 pr-3 text-xs">
        {answer ? <code class="break-all text-slate-500">{answer}</code> : <span class="text-slate-400">—</span>}
      </td>
      <td class="whitespace-nowrap py-2 text-right text-xs">
        {r.status === 'failed' && (
          <button
            class="event-retry mr-2 rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            hx-post={`/events/${r.id}/retry`}
            hx-target={`#event-${r.id}`}
            hx-swap="outerHTML"
          >
            Retry
          </button>
        )}
        <button
          class="event-payload rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          hx-get={`/events/${r.id}/payload`}
          hx-target={`#payload-${r.id}`}
          hx-swap="innerHTML"
        >
          Payload
        </button>
        <div id={`payload-${r.id}`} class="text-left"></div>
      </td>
    </tr>
  );
}

export function EventRows(props: { rows: WebhookEventRow[] }) {
  return (
    <>
      {props.rows.map((row) => (
        <EventRow row={row} />
      ))}
    </>
  );
}
