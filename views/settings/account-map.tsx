/**
 * Settings → Webhook accounts: every Plex account seen in webhooks, and where its plays go.
 * The server owner goes to the connected Trakt account by default; others are ignored until mapped.
 */
import type { WebhookAccountRow } from '../../src/db/tables/webhooks.js';
import type { TraktAccountInfo } from '../../src/scrobble/ports.js';

export interface AccountMapView {
  accounts: WebhookAccountRow[];
  traktAccounts: TraktAccountInfo[];
  message?: string;
}

function current(a: WebhookAccountRow): string {
  if (a.mode === 'ignored') return 'ignore';
  if (a.mode === 'mapped' && a.trakt_account_id !== null) return `trakt:${a.trakt_account_id}`;
  return 'default';
}

export function AccountMap(props: { view: AccountMapView }) {
  const v = props.view;
  return (
    <div id="webhook-accounts">
      <h3 class="text-sm font-semibold">Plex accounts seen in webhooks</h3>
      <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Your own account (the server owner) goes to the connected Trakt account. Other people's events are ignored until you
        send them to a connected Trakt account here.
      </p>
      {v.message && <p class="mt-2 text-sm text-emerald-700 dark:text-emerald-300" role="status">{v.message}</p>}
      {v.accounts.length === 0 ? (
        <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">No webhook has arrived yet, so no account is listed.</p>
      ) : (
        <table class="mt-3 w-full text-left text-sm">
          <thead class="text-xs uppercase text-slate-600 dark:text-slate-400">
            <tr>
              <th class="pb-2 pr-3">Plex account</th>
              <th class="hidden pb-2 pr-3 sm:table-cell">Last seen</th>
              <th class="pb-2">Plays go to</th>
            </tr>
          </thead>
          <tbody>
            {v.accounts.map((a) => (
              <tr class="border-t border-slate-100 dark:border-slate-800" id={`webhook-account-${a.plex_account_id}`}>
                <td class="py-2 pr-3">
                  {a.plex_account_title ?? '(no name)'} <span class="text-xs text-slate-600 dark:text-slate-400">{`#${a.plex_account_id}`}</span>
                </td>
                <td class="hidden py-2 pr-3 text-xs text-slate-600 sm:table-cell dark:text-slate-400">
                  <time datetime={new Date(a.last_seen_at).toISOString()} data-local="">
                    {new Date(a.last_seen_at).toISOString()}
                  </time>
                </td>
                <td class="py-2">
                  <select
                    name="target"
                    aria-label={`Where plays of ${a.plex_account_title ?? a.plex_account_id} go`}
                    class="w-full max-w-[14rem] rounded-md border border-slate-300 bg-white px-2 py-1 sm:max-w-none dark:border-slate-700 dark:bg-slate-950"
                    hx-post={`/settings/webhook-accounts/${a.plex_account_id}`}
                    hx-trigger="change"
                    hx-target="#webhook-accounts"
                    hx-swap="outerHTML"
                  >
                    <option value="default" selected={current(a) === 'default'}>
                      {a.plex_account_id === 1 ? 'Default: the connected Trakt account' : 'Default: ignored'}
                    </option>
                    <option value="ignore" selected={current(a) === 'ignore'}>
                      Ignore
                    </option>
                    {v.traktAccounts.map((t) => (
                      <option value={`trakt:${t.id}`} selected={current(a) === `trakt:${t.id}`}>
                        {`Trakt: ${t.username}`}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The "last webhook arrived" line for the settings page's webhook section. */
export function LastWebhookLine(props: { last?: { receivedAt: number; event: string; serverTitle: string | null } }) {
  const l = props.last;
  if (!l) return <span id="last-webhook">No webhook has arrived yet. After adding the URL in Plex, play something to test it.</span>;
  const iso = new Date(l.receivedAt).toISOString();
  return (
    <span id="last-webhook">
      {'Last webhook: '}
      <code>{l.event}</code>
      {l.serverTitle ? ` from ${l.serverTitle}, ` : ', '}
      <time datetime={iso} data-local="">
        {iso}
      </time>
    </span>
  );
}
