/** The Logs page: the service's own log, newest first, filters that apply on change, "older" below, and a live tail over SSE. */
import { EmptyState, PageHeader, secondaryButtonClass } from '../components.js';
import { LEVELS, LogRows, type LogLine } from '../logs/log-rows.js';

export interface LogsView {
  /** Newest first. */
  rows: LogLine[];
  hasOlder: boolean;
  components: string[];
  minLevel: number;
  component: string;
  retentionDays: number;
}

export function OlderButton(props: { beforeId: number; query: string }) {
  return (
    <div id="logs-older" class="mt-2">
      <button
        class={secondaryButtonClass}
        hx-get={`/logs/older?before=${props.beforeId}${props.query ? `&${props.query}` : ''}`}
        hx-target="#logs-older"
        hx-swap="outerHTML"
      >
        Show older lines
      </button>
    </div>
  );
}

export function LogsPage(props: { view: LogsView; query: string }) {
  const v = props.view;
  const oldest = v.rows.at(-1)?.id;
  return (
    <>
      <PageHeader title="Logs" subtitle={`Every component's log lines, newest first, kept for ${v.retentionDays} days. Secrets are never written here.`} />
      <form method="get" action="/logs" class="mb-4 flex flex-wrap items-end gap-3 text-sm" data-autosubmit="" id="logs-filter">
        <label class="block">
          Level
          <select name="level" class="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-950">
            {Object.entries(LEVELS).map(([n, name]) => (
              <option value={n} selected={Number(n) === v.minLevel}>
                {name} and above
              </option>
            ))}
          </select>
        </label>
        <label class="block">
          Component
          <select name="component" class="mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-950">
            <option value="">all</option>
            {v.components.map((c) => (
              <option value={c} selected={c === v.component}>
                {c}
              </option>
            ))}
          </select>
        </label>
        {/* The filters apply as soon as they change (public/app.js); the button is for browsers without script. */}
        <noscript>
          <button type="submit" class={secondaryButtonClass}>
            Filter
          </button>
        </noscript>
        <span id="logs-live" class="ml-auto text-xs text-slate-600 dark:text-slate-400">
          Live: new lines appear at the top.
        </span>
      </form>
      {v.rows.length === 0 && <EmptyState title="No log lines match">Change the filter, or wait for the service to do something.</EmptyState>}
      <div tabindex={0} class="overflow-x-auto rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <table class="w-full">
          <tbody id="log-rows" data-min-level={String(v.minLevel)} data-component={v.component}>
            <LogRows rows={v.rows} />
          </tbody>
        </table>
      </div>
      {v.hasOlder && oldest !== undefined && <OlderButton beforeId={oldest} query={props.query} />}
      <div hx-sse:connect="/live?topics=logs" hx-swap="none" class="hidden"></div>
    </>
  );
}
