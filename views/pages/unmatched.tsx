/** Items the sync cannot write, each with what is wrong and what to do; CSV export. */
import type { UnmatchedItem } from '../../src/db/repos/sync-unmatched.js';
import { EmptyState, PageHeader, secondaryButtonClass } from '../components.js';

export interface UnmatchedView {
  rows: UnmatchedItem[];
  page: number;
  pages: number;
  total: number;
  /** `server_id:rating_key` → whose Trakt account said not_found (only in a household). */
  whose?: Map<string, string[]>;
}

const names = (n: string[]) => (n.length <= 1 ? n.join('') : `${n.slice(0, -1).join(', ')} and ${n.at(-1)}`);

export const itemLabel = (r: Pick<UnmatchedItem, 'type' | 'title' | 'show_title' | 'season' | 'number' | 'year'>) =>
  r.type === 'episode'
    ? `${r.show_title ?? '?'} · S${String(r.season ?? 0).padStart(2, '0')}E${String(r.number ?? 0).padStart(2, '0')}${r.title ? ` · ${r.title}` : ''}`
    : `${r.title}${r.year ? ` (${r.year})` : ''}`;

/** In a household: whose Trakt account answered not_found for the item. */
function Whose(props: { names?: string[] }) {
  if (!props.names?.length) return null;
  return <span class="unmatched-whose mt-1 block text-xs text-slate-600 dark:text-slate-400">{`Trakt said so for ${names(props.names)}.`}</span>;
}

export function UnmatchedPage(props: { view: UnmatchedView }) {
  const v = props.view;
  return (
    <>
      <PageHeader title="Unmatched" subtitle="Plex items the sync cannot send to Trakt, and why. Fix them in Plex; the next sync picks them up.">
        {v.total > 0 && <a class={secondaryButtonClass} href="/unmatched.csv" download="">Export CSV</a>}
      </PageHeader>
      {v.total === 0 ? (
        <EmptyState title="Everything is matched">Every item of the synced libraries has ids Trakt knows.</EmptyState>
      ) : (
        <>
          <p class="mb-2 text-sm text-slate-600 dark:text-slate-400">{`${v.total} item(s).`}</p>
          <div tabindex={0} class="overflow-x-auto">
            <table class="w-full text-sm" id="unmatched-table">
              <thead class="text-left text-xs uppercase text-slate-600 dark:text-slate-400">
                <tr>
                  <th class="py-2 pr-3">Item</th>
                  <th class="py-2 pr-3">Type</th>
                  <th class="py-2 pr-3">Plex guid</th>
                  <th class="py-2">What to do</th>
                </tr>
              </thead>
              <tbody>
                {v.rows.map((r) => (
                  <tr class="border-t border-slate-200 align-top dark:border-slate-700">
                    <td class="py-2 pr-3">{itemLabel(r)}</td>
                    <td class="py-2 pr-3">{r.type}</td>
                    <td class="py-2 pr-3 break-all font-mono text-xs text-slate-600 dark:text-slate-400">{r.guid ?? ''}</td>
                    <td class="py-2">
                      {r.reason}
                      <Whose names={v.whose?.get(`${r.server_id}:${r.rating_key}`)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {v.pages > 1 && (
            <nav class="mt-4 flex items-center gap-3 text-sm" aria-label="Pages">
              {v.page > 1 && <a class="underline" href={`/unmatched?page=${v.page - 1}`}>Previous</a>}
              <span class="text-slate-600 dark:text-slate-400">{`Page ${v.page} of ${v.pages}`}</span>
              {v.page < v.pages && <a class="underline" href={`/unmatched?page=${v.page + 1}`}>Next</a>}
            </nav>
          )}
        </>
      )}
    </>
  );
}
