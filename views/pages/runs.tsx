/** Sync runs: newest first, paginated, rows updated live while a run goes. */
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { buttonClass, CsrfField, EmptyState, PageHeader, secondaryButtonClass } from '../components.js';
import { RunRow } from '../runs/run-parts.js';

export interface RunsView {
  rows: SyncRunRow[];
  page: number;
  pages: number;
  total: number;
  /** Why "Run sync now" did not start one (a run is going). */
  notice?: string;
}

export function RunsPage(props: { view: RunsView; csrf: string }) {
  const v = props.view;
  return (
    <>
      <PageHeader title="Sync runs" subtitle="Every reconciliation run: what it found, what it wrote, and what it could not match.">
        <form method="post" action="/runs/start">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="then" value="run-page" />
          <button type="submit" class={buttonClass} id="runs-run-sync-now">Run sync now</button>
        </form>
        <a class={secondaryButtonClass} href="/unmatched">Unmatched items</a>
      </PageHeader>
      {v.notice && (
        <p class="mb-4 rounded-md bg-amber-50 p-2 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-200" role="status" id="runs-notice">
          {v.notice}
        </p>
      )}
      {v.total === 0 ? (
        <EmptyState title="No sync has run yet">Press "Run sync now" above, or set a schedule in Settings.</EmptyState>
      ) : (
        <div tabindex={0} class="overflow-x-auto" aria-label="Sync runs">
          <p class="mb-2 text-xs text-slate-600 md:hidden dark:text-slate-400" id="runs-narrow-hint">
            On a narrow screen: when, status, added and errors; open a run for the rest.
          </p>
          <table class="w-full text-sm" id="runs-table">
            <thead class="text-left text-xs uppercase text-slate-600 dark:text-slate-400">
              <tr>
                <th class="py-2 pr-3">Started</th>
                <th class="hidden md:table-cell py-2 pr-3">Trigger</th>
                <th class="hidden md:table-cell py-2 pr-3">Duration</th>
                <th class="py-2 pr-3">Status</th>
                <th class="py-2 pr-3 text-right">Added to Trakt</th>
                <th class="hidden md:table-cell py-2 pr-3 text-right">Marked in Plex</th>
                <th class="hidden md:table-cell py-2 pr-3 text-right">Ratings</th>
                <th class="hidden md:table-cell py-2 pr-3 text-right">Unmatched</th>
                <th class="py-2 pr-3 text-right">Errors</th>
                <th class="hidden md:table-cell py-2 text-right">API calls</th>
              </tr>
            </thead>
            <tbody id="run-rows" data-prepend={v.page === 1 ? '' : undefined}>
              {v.rows.map((r) => (
                <RunRow run={r} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {v.pages > 1 && (
        <nav class="mt-4 flex items-center gap-3 text-sm" aria-label="Pages">
          {v.page > 1 && <a class="underline" href={`/runs?page=${v.page - 1}`}>Newer</a>}
          <span class="text-slate-600 dark:text-slate-400">{`Page ${v.page} of ${v.pages}`}</span>
          {v.page < v.pages && <a class="underline" href={`/runs?page=${v.page + 1}`}>Older</a>}
        </nav>
      )}
      <div hx-sse:connect="/live?topics=runs" hx-swap="none" class="hidden"></div>
    </>
  );
}
