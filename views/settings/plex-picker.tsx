/** The server picker: each server of the account with its connections as tested (local first), the working one preselected. */
import { buttonClass, CsrfField, ErrorText } from '../components.js';

export interface PickerConnection {
  uri: string;
  local: boolean;
  relay: boolean;
  ok: boolean;
  ms: number;
  error?: string;
}

export interface PickerServer {
  name: string;
  machineIdentifier: string;
  owned: boolean;
  connections: PickerConnection[];
  /** The connection to preselect (the best working one). */
  best?: string;
}

const kind = (c: PickerConnection) => (c.relay ? 'relay' : c.local ? 'local' : 'remote');

export function PlexServerPicker(props: { csrf: string; servers: PickerServer[]; error?: string }) {
  const preselected = props.servers.find((s) => s.owned && s.best) ?? props.servers.find((s) => s.best);
  if (!props.servers.length) {
    return (
      <p class="mt-3 text-sm" id="plex-no-servers">
        plex.tv lists no Plex Media Server for this account. Start your server and sign it in to this account, or connect with a URL and token below.
      </p>
    );
  }
  return (
    <form id="plex-server-form" method="post" action="/settings/plex/server" hx-post="/settings/plex/server" hx-target="#settings-plex" hx-swap="outerHTML" class="mt-3 space-y-3">
      <CsrfField token={props.csrf} />
      {props.servers.map((s) => (
        <fieldset class="rounded-lg border border-slate-200 p-3 dark:border-slate-700" data-server={s.machineIdentifier}>
          <legend class="px-1 text-sm font-medium">
            {s.name}
            {!s.owned && <span class="ml-1 text-xs text-slate-600 dark:text-slate-400">(shared with you)</span>}
          </legend>
          {s.connections.map((c) => (
            <label class="flex items-start gap-2 py-1 text-sm">
              <input
                type="radio"
                name="choice"
                value={`${s.machineIdentifier} ${c.uri}`}
                checked={preselected?.machineIdentifier === s.machineIdentifier && preselected.best === c.uri}
                data-ok={c.ok ? '1' : '0'}
              />
              <span>
                <code>{c.uri}</code> <span class="text-xs text-slate-600 dark:text-slate-400">{kind(c)}</span>{' '}
                {c.ok ? <span class="text-xs text-emerald-700 dark:text-emerald-400">{`answers (${c.ms} ms)`}</span> : <span class="text-xs text-rose-700 dark:text-rose-400">{c.error ?? 'does not answer'}</span>}
              </span>
            </label>
          ))}
        </fieldset>
      ))}
      {props.error && <ErrorText id="plex-server-error">{props.error}</ErrorText>}
      <button type="submit" class={buttonClass} id="plex-server-connect">
        Use this server
      </button>
    </form>
  );
}
