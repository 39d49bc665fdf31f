/** Settings → Notifications: the URLs (masked), which events each gets, add/remove, Test with its answers, the last deliveries. */
import { buttonClass, Card, CsrfField, ErrorText, inputClass, secondaryButtonClass } from '../components.js';
import { Notice } from './fields.js';

export interface NotifyTargetView {
  id: number;
  source: 'env' | 'settings';
  masked: string;
  kind: string;
  /** null: the default set. */
  events: string[] | null;
}

export interface NotifyDeliveryView {
  at: number;
  masked: string;
  event: string;
  title: string;
  ok: boolean;
  status: number | null;
  error: string | null;
}

export interface NotifySectionView {
  csrf: string;
  targets: NotifyTargetView[];
  deliveries: NotifyDeliveryView[];
  /** Events a URL can choose, and those it gets without `?events=`. */
  events: readonly string[];
  defaults: readonly string[];
  waiting: number;
  pingUrl?: string;
  addError?: string;
  addValue?: string;
  message?: { kind: 'ok' | 'warn' | 'error'; text: string };
  testResults?: Array<{ url: string; ok: boolean; status?: number; error?: string }>;
}

const hx = { 'hx-target': '#settings-notifications', 'hx-swap': 'outerHTML' };

function EventBoxes(props: { prefix: string; events: readonly string[]; chosen: readonly string[]; disabled?: boolean }) {
  return (
    <fieldset class="flex flex-wrap gap-x-4 gap-y-1 text-sm" disabled={props.disabled}>
      <legend class="sr-only">Events</legend>
      {props.events.map((e) => (
        <label class="inline-flex items-center gap-1">
          <input type="checkbox" name={`event:${e}`} value="1" checked={props.chosen.includes(e)} id={`${props.prefix}-${e}`} />
          <span class="font-mono text-xs">{e}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function NotifySection(props: { view: NotifySectionView }) {
  const v = props.view;
  return (
    <section id="settings-notifications" data-section="notifications">
      <Card title="Notifications">
        <p class="text-sm text-slate-600 dark:text-slate-300">
          Failed runs, failed scrobbles, a lost Trakt sign-in or an unreachable Plex server are sent where you are: ntfy, Discord, Gotify, an Apprise server, or
          any JSON webhook. URLs look like <code>ntfys://ntfy.sh/topic</code>, <code>discord://webhook_id/webhook_token</code>, <code>gotifys://host/token</code>,{' '}
          <code>apprises://host/key</code> or <code>jsons://host/path</code>. The same event within 10 minutes is folded into one message.
        </p>
        {v.targets.length === 0 ? (
          <p class="mt-3 text-sm text-slate-600 dark:text-slate-400" id="notify-none">No notification URL yet.</p>
        ) : (
          <ul class="mt-3 space-y-3" id="notify-targets">
            {v.targets.map((t) => (
              <li class="rounded-md border border-slate-200 p-3 dark:border-slate-800" data-target-id={String(t.id)}>
                <div class="flex flex-wrap items-center justify-between gap-2">
                  <code class="break-all text-sm" data-masked-url="">{t.masked}</code>
                  {t.source === 'env' ? (
                    <span class="text-xs text-slate-600 dark:text-slate-400" data-env="NOTIFY_URLS">Set by NOTIFY_URLS in the environment (read-only here).</span>
                  ) : (
                    <form method="post" action={`/settings/notifications/${t.id}/remove`} hx-post={`/settings/notifications/${t.id}/remove`} {...hx}>
                      <CsrfField token={v.csrf} />
                      <button type="submit" class={secondaryButtonClass} id={`notify-remove-${t.id}`}>Remove</button>
                    </form>
                  )}
                </div>
                <form method="post" action={`/settings/notifications/${t.id}/events`} hx-post={`/settings/notifications/${t.id}/events`} {...hx} class="mt-2 flex flex-wrap items-center gap-3">
                  <CsrfField token={v.csrf} />
                  <EventBoxes prefix={`notify-${t.id}`} events={v.events} chosen={t.events ?? v.defaults} disabled={t.source === 'env'} />
                  {t.source === 'settings' && (
                    <button type="submit" class={secondaryButtonClass} id={`notify-events-${t.id}`}>Save events</button>
                  )}
                </form>
              </li>
            ))}
          </ul>
        )}
        <form id="notify-add" method="post" action="/settings/notifications" hx-post="/settings/notifications" {...hx} class="mt-4 space-y-2" novalidate>
          <CsrfField token={v.csrf} />
          <label for="notify-url" class="block text-sm font-medium">Add a URL</label>
          <input
            id="notify-url"
            name="url"
            type="text"
            value={v.addValue}
            autocomplete="off"
            spellcheck={false}
            placeholder="ntfys://ntfy.sh/your-topic"
            aria-invalid={v.addError ? 'true' : undefined}
            aria-describedby={v.addError ? 'notify-url-error' : undefined}
            class={inputClass}
          />
          {v.addError && <ErrorText id="notify-url-error">{v.addError}</ErrorText>}
          <EventBoxes prefix="notify-new" events={v.events} chosen={v.defaults} />
          <div class="flex gap-2">
            <button type="submit" class={buttonClass} id="notify-add-button">Add</button>
            <button type="submit" class={secondaryButtonClass} id="notify-test" formaction="/settings/notifications/test" hx-post="/settings/notifications/test" {...hx} disabled={v.targets.length === 0}>
              Send a test to every URL
            </button>
          </div>
        </form>
        {v.message && (
          <Notice kind={v.message.kind} id="notify-message">
            {v.message.text}
          </Notice>
        )}
        {v.testResults && (
          <ul class="mt-3 space-y-1 text-sm" id="notify-test-results">
            {v.testResults.map((r) => (
              <li data-ok={r.ok ? '1' : '0'}>
                <span class={r.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}>{r.ok ? '✓ delivered' : '✗ not delivered'}</span>{' '}
                <code>{r.url}</code>
                {r.status !== undefined && ` (HTTP ${r.status})`}
                {r.error && `: ${r.error}`}
              </li>
            ))}
          </ul>
        )}
        <p class="mt-3 text-xs text-slate-600 dark:text-slate-400">
          {`Waiting to be delivered: ${v.waiting}.`}
          {v.pingUrl ? ` Scheduled runs ping ${v.pingUrl} (SYNC_PING_URL).` : ' Set SYNC_PING_URL to have scheduled runs ping a healthchecks-style monitor.'}
        </p>
        <h3 class="mt-4 text-sm font-semibold">Last deliveries</h3>
        {v.deliveries.length === 0 ? (
          <p class="text-sm text-slate-600 dark:text-slate-400" id="notify-deliveries-none">None yet.</p>
        ) : (
          <table class="mt-2 w-full text-left text-sm" id="notify-deliveries">
            <thead>
              <tr class="text-xs uppercase text-slate-600 dark:text-slate-400">
                <th class="py-1 pr-2">When</th>
                <th class="py-1 pr-2">Event</th>
                <th class="py-1 pr-2">URL</th>
                <th class="py-1">Result</th>
              </tr>
            </thead>
            <tbody>
              {v.deliveries.map((d) => {
                const iso = new Date(d.at).toISOString();
                return (
                  <tr class="border-t border-slate-100 align-top dark:border-slate-800" data-ok={d.ok ? '1' : '0'}>
                    <td class="py-1 pr-2 whitespace-nowrap">
                      <time datetime={iso} data-local="">{iso}</time>
                    </td>
                    <td class="py-1 pr-2 font-mono text-xs" title={d.title}>{d.event}</td>
                    <td class="py-1 pr-2 break-all"><code>{d.masked}</code></td>
                    <td class="py-1">{d.ok ? `delivered${d.status ? ` (${d.status})` : ''}` : d.error ?? 'failed'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </section>
  );
}
