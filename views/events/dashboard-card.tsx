/** The dashboard's Webhooks card: last webhook (and server), events today, queue depth, failures, and the dry test event. */
import type { DryRunResult } from '../../src/scrobble/dry-run.js';
import { Card, secondaryButtonClass } from '../components.js';

export interface WebhookCardView {
  webhookUrl: string;
  last?: { receivedAt: number; event: string; serverTitle: string | null };
  today: number;
  queueDepth: number;
  failed: number;
  /** Why events are waiting to be tried again (Trakt down, slow, rate limiting...), when they are. */
  problem?: string;
}

/** The card's numbers: the page renders them and the dashboard's live stream replaces them (`#webhook-stats`). */
export function WebhookStats(props: { view: WebhookCardView }) {
  const v = props.view;
  return (
    <>
      {v.last ? (
        <p class="text-lg font-medium">
          {'Last: '}
          <span class="font-mono text-base">{v.last.event}</span>
          {' '}
          <time datetime={new Date(v.last.receivedAt).toISOString()} data-local="" class="text-sm text-slate-600 dark:text-slate-400">
            {new Date(v.last.receivedAt).toISOString()}
          </time>
          {v.last.serverTitle && <span class="block text-sm font-normal text-slate-600 dark:text-slate-400">{`from ${v.last.serverTitle}`}</span>}
        </p>
      ) : (
        <p class="text-lg font-medium">No webhook received yet</p>
      )}
      <dl class="mt-3 grid grid-cols-3 gap-2 text-center text-sm">
        <div>
          <dt class="text-slate-600 dark:text-slate-400">Today</dt>
          <dd class="text-lg font-semibold" id="webhooks-today">{v.today}</dd>
        </div>
        <div>
          <dt class="text-slate-600 dark:text-slate-400">Queue</dt>
          <dd class="text-lg font-semibold" id="webhooks-queue">{v.queueDepth}</dd>
        </div>
        <div>
          <dt class="text-slate-600 dark:text-slate-400">Failed</dt>
          <dd class={`text-lg font-semibold ${v.failed ? 'text-rose-600' : ''}`} id="webhooks-failed">
            {v.failed ? <a href="/events?status=failed" class="underline">{v.failed}</a> : 0}
          </dd>
        </div>
      </dl>
      {v.problem && (
        <p class="mt-3 rounded-md bg-amber-50 p-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-200" id="webhooks-problem" role="status">
          {`Events are waiting to be retried: ${v.problem}`}
        </p>
      )}
    </>
  );
}

export function WebhookCard(props: { view: WebhookCardView }) {
  const v = props.view;
  return (
    <Card title="Webhooks" id="card-webhooks">
      <div id="webhook-stats">
        <WebhookStats view={v} />
      </div>
      <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">
        Add this URL in Plex Web → Settings → Webhooks: <code class="break-all">{v.webhookUrl}</code>
      </p>
      <div class="mt-3">
        <button
          class={secondaryButtonClass}
          hx-post="/events/test"
          hx-target="#test-event-result"
          hx-swap="innerHTML"
          id="send-test-event"
          title="Runs a sample scrobble through the same checks and rules as a real webhook. Nothing is stored or sent to Trakt."
        >
          Preview what a webhook would do
        </button>
        <div id="test-event-result" class="mt-2"></div>
      </div>
    </Card>
  );
}

/**
 * The preview's answer: the verdict first, the steps and the request folded away, wrapped so
 * a long line never widens the card, and closed with its own button (a native <dialog> form).
 */
export function TestEventResult(props: { result: DryRunResult }) {
  const r = props.result;
  return (
    <dialog open class="static m-0 w-full max-w-full rounded-md bg-slate-50 p-3 text-sm text-inherit dark:bg-slate-950" id="test-event-dialog">
      <p class="font-medium break-words">{r.verdict}</p>
      <details class="mt-2">
        <summary class="cursor-pointer text-slate-600 dark:text-slate-400">How it was decided</summary>
        <ol class="mt-1 list-decimal space-y-1 pl-5 text-slate-600 dark:text-slate-300">
          {r.steps.map((s) => (
            <li>{s}</li>
          ))}
        </ol>
        {r.request && <pre class="mt-2 whitespace-pre-wrap break-all text-xs text-slate-600 dark:text-slate-400">{`${r.request.path}\n${JSON.stringify(r.request.body, null, 2)}`}</pre>}
      </details>
      <form method="dialog" class="mt-2">
        <button class={secondaryButtonClass} id="test-event-dismiss">
          Dismiss
        </button>
      </form>
    </dialog>
  );
}
