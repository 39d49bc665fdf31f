/** One event opened: its timeline (received → decided → sent → answered), Trakt's answer in words and raw, and Plex's payload. */
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';
import { answerInWords } from '../../src/scrobble/answer-words.js';
import { offsetText, type TimelineStep } from '../../src/scrobble/timeline.js';

const DOT: Record<string, string> = {
  ok: 'bg-emerald-500',
  bad: 'bg-rose-500',
  none: 'bg-slate-400',
};

function Timeline(props: { steps: TimelineStep[] }) {
  const start = props.steps[0]?.at ?? 0;
  return (
    <ol class="event-timeline space-y-2 border-l border-slate-300 pl-4 dark:border-slate-700">
      {props.steps.map((s) => {
        const iso = s.at !== null ? new Date(s.at).toISOString() : null;
        return (
          <li class="relative" data-step={s.kind}>
            <span class={`absolute -left-[1.32rem] top-1.5 h-2.5 w-2.5 rounded-full ${DOT[s.tone ?? 'none']}`} aria-hidden="true"></span>
            <p class="text-sm">
              <span class="font-medium capitalize">{s.kind}</span>
              {iso && (
                <span class="ml-2 text-xs text-slate-600 dark:text-slate-400">
                  <time datetime={iso} data-local="">
                    {iso}
                  </time>
                  {s.kind !== 'received' && ` (${offsetText(s.at! - start)})`}
                </span>
              )}
            </p>
            <p class="break-words text-sm text-slate-700 dark:text-slate-300">{s.text}</p>
          </li>
        );
      })}
    </ol>
  );
}

export interface EventDetailView {
  row: WebhookEventRow;
  steps: TimelineStep[];
  /** Trakt's stored answer, pretty-printed, and Plex's payload (both scrubbed). */
  rawAnswer: string | null;
  payload: string;
}

export function EventDetail(props: { view: EventDetailView }) {
  const { row: r, steps, rawAnswer, payload } = props.view;
  const words = answerInWords(r.trakt_answer);
  return (
    <tr id={`event-detail-${r.id}`} class="event-detail border-t border-slate-100 bg-slate-50 dark:border-slate-800 dark:bg-slate-950">
      <td colspan={9} class="p-3">
        {/* Zero width to the table's layout, the whole row's width when shown: opening never re-sizes the columns. */}
        <div class="w-0 min-w-full">
        <div class="flex items-start justify-between gap-3">
          <h3 class="text-sm font-semibold">{`Event #${r.id}: ${r.title ?? r.event}`}</h3>
          <button type="button" class="event-detail-close rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" data-close-detail={String(r.id)}>
            Close
          </button>
        </div>
        <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm md:hidden">
          <dt class="text-slate-600 dark:text-slate-400">Event</dt>
          <dd class="font-mono text-xs">{r.event}</dd>
          <dt class="text-slate-600 dark:text-slate-400">Source</dt>
          <dd class="event-detail-source">{r.source === 'live' ? 'live (the server’s notifications)' : 'webhook'}</dd>
          <dt class="text-slate-600 dark:text-slate-400">Account</dt>
          <dd>{r.account_title ?? '—'}</dd>
          <dt class="text-slate-600 dark:text-slate-400">Player</dt>
          <dd>{r.player_title ?? '—'}</dd>
        </dl>
        <div class="mt-3 grid gap-4 md:grid-cols-2">
          <div>
            <h4 class="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Timeline</h4>
            <Timeline steps={steps} />
          </div>
          <div class="min-w-0">
            <h4 class="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Trakt's answer</h4>
            <p class="event-detail-words text-sm">{words ?? 'Nothing was sent to Trakt for this event.'}</p>
            {rawAnswer && <pre tabindex={0} class="event-raw-answer mt-2 max-h-64 overflow-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">{rawAnswer}</pre>}
          </div>
        </div>
        <h4 class="mb-1 mt-4 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">What Plex sent</h4>
        <div id={`payload-${r.id}`}>
          <pre tabindex={0} class="max-h-64 overflow-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-900">{payload}</pre>
        </div>
        </div>
      </td>
    </tr>
  );
}
