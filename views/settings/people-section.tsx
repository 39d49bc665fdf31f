/**
 * Settings → People: every Plex account known (owner, Plex Home users, friends, anyone seen
 * in a webhook), with their own Trakt account (connect by device code from the row,
 * disconnect), webhooks and sync on/off, and whether their Plex state can be read (a PIN
 * field for a protected Home user). One component serves the page and the htmx fragment.
 */
import type { PersonView } from '../../src/people/service.js';
import { buttonClass, CsrfField, ErrorText, inputClass, secondaryButtonClass } from '../components.js';

export interface PersonDevice {
  flowId: string;
  userCode: string;
  verificationUrl: string;
  pollDelaySec: number;
  note?: string;
}

export interface PeopleSectionView {
  csrf: string;
  people: PersonView[];
  problem?: string | null;
  /** A message for one row (after a change), or for the whole list (id 0). */
  message?: { plexAccountId: number; kind: 'ok' | 'error'; text: string };
  /** A device login running for one row. */
  device?: { plexAccountId: number } & PersonDevice;
}

const hx = (path: string) => ({ 'hx-post': path, 'hx-target': '#people', 'hx-swap': 'outerHTML' });

const KIND: Record<PersonView['kind'], string> = { owner: 'server owner', home: 'Plex Home', friend: 'friend' };

function accessLine(p: PersonView): string {
  if (p.plexAccess === 'ok') return p.kind === 'owner' ? 'Plex: your own token.' : 'Plex: their watched state can be read.';
  if (p.plexAccessNote) return p.plexAccessNote;
  if (p.plexAccess === 'pin_needed') return `Needs ${p.name}'s Plex Home PIN.`;
  if (p.plexAccess === 'refused') return `Plex refused a token for ${p.name}; their webhooks still work.`;
  return 'Only seen in webhooks: plex.tv does not list them as a Home user or a friend.';
}

function Toggle(props: { p: PersonView; field: 'webhooks' | 'sync'; label: string; csrf: string }) {
  const on = props.p[props.field];
  return (
    <form method="post" action={`/settings/people/${props.p.plexAccountId}`} {...hx(`/settings/people/${props.p.plexAccountId}`)} class="inline">
      <CsrfField token={props.csrf} />
      <input type="hidden" name={props.field} value={on ? 'off' : 'on'} />
      <button type="submit" class={secondaryButtonClass} aria-pressed={on ? 'true' : 'false'} id={`person-${props.p.plexAccountId}-${props.field}`}>
        {`${props.label}: ${on ? 'on' : 'off'}`}
      </button>
    </form>
  );
}

function TraktCell(props: { p: PersonView; v: PeopleSectionView }) {
  const { p, v } = props;
  const d = v.device?.plexAccountId === p.plexAccountId ? v.device : undefined;
  if (d) {
    return (
      <div id={`person-${p.plexAccountId}-device`}>
        <p class="text-sm">
          {`${p.name}: open `}
          <a href={d.verificationUrl} target="_blank" rel="noopener" class="underline">
            {d.verificationUrl}
          </a>
          {', sign in to Trakt as them, and enter '}
          <span class="font-mono text-lg font-semibold tracking-widest" data-user-code="">
            {d.userCode}
          </span>
        </p>
        <p class="text-xs text-slate-600 dark:text-slate-400" aria-live="polite">
          {`Waiting for approval…${d.note ? ` ${d.note}` : ''}`}
        </p>
        <div {...hx(`/settings/people/${p.plexAccountId}/trakt/${d.flowId}`)} hx-trigger={`load delay:${d.pollDelaySec}s`}></div>
      </div>
    );
  }
  if (p.trakt) {
    return (
      <div class="flex flex-wrap items-center gap-2">
        <span>{p.trakt.username}</span>
        {p.traktNeedsLogin && (
          <>
            <span class="text-xs text-red-700 dark:text-red-300">Trakt stopped accepting this sign-in: connect again.</span>
            <ConnectButton p={p} csrf={v.csrf} label="Connect again" />
          </>
        )}
        {p.traktIsDefault ? (
          <span class="text-xs text-slate-600 dark:text-slate-400">(the account connected above)</span>
        ) : (
          <form method="post" action={`/settings/people/${p.plexAccountId}/trakt/disconnect`} {...hx(`/settings/people/${p.plexAccountId}/trakt/disconnect`)} class="inline">
            <CsrfField token={v.csrf} />
            <button type="submit" class={secondaryButtonClass}>
              Disconnect
            </button>
          </form>
        )}
      </div>
    );
  }
  return <ConnectButton p={p} csrf={v.csrf} label="Connect Trakt" />;
}

function ConnectButton(props: { p: PersonView; csrf: string; label: string }) {
  const id = props.p.plexAccountId;
  return (
    <form method="post" action={`/settings/people/${id}/trakt/start`} {...hx(`/settings/people/${id}/trakt/start`)} class="inline">
      <CsrfField token={props.csrf} />
      <button type="submit" class={buttonClass} id={`person-${id}-connect`}>
        {props.label}
      </button>
    </form>
  );
}

function PinForm(props: { p: PersonView; v: PeopleSectionView; error?: string }) {
  const { p, v } = props;
  const id = `person-${p.plexAccountId}-pin`;
  return (
    <form method="post" action={`/settings/people/${p.plexAccountId}`} {...hx(`/settings/people/${p.plexAccountId}`)} class="mt-2 flex flex-wrap items-end gap-2" novalidate>
      <CsrfField token={v.csrf} />
      <div>
        <label for={id} class="block text-xs font-medium">
          {p.pinStored ? `${p.name}'s Plex Home PIN (stored; enter a new one to change it)` : `${p.name}'s Plex Home PIN`}
        </label>
        <input
          id={id}
          name="pin"
          type="password"
          inputmode="numeric"
          autocomplete="off"
          maxlength={4}
          class={`${inputClass} w-28`}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? `${id}-error` : undefined}
        />
      </div>
      <button type="submit" class={secondaryButtonClass}>
        Save PIN
      </button>
      {props.error && <ErrorText id={`${id}-error`}>{props.error}</ErrorText>}
    </form>
  );
}

export function PeopleSection(props: { view: PeopleSectionView }) {
  const v = props.view;
  const rowMessage = (id: number) => (v.message?.plexAccountId === id ? v.message : undefined);
  return (
    <div id="people">
      <p class="text-sm text-slate-600 dark:text-slate-400">
        Everyone who watches on your Plex server. Each person's plays go to their own Trakt account; without one, their plays are
        ignored (the events page says so). Your own plays go to the Trakt account connected above unless you connect another here.
      </p>
      {v.problem && (
        <p class="mt-2 text-sm text-amber-700 dark:text-amber-300" role="status">
          {v.problem}
        </p>
      )}
      {v.message?.plexAccountId === 0 && (
        <p class={`mt-2 text-sm ${v.message.kind === 'ok' ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300'}`} role="status">
          {v.message.text}
        </p>
      )}
      {v.people.length === 0 ? (
        <p class="mt-3 text-sm text-slate-600 dark:text-slate-400">Nobody is known yet: sign in with Plex above, or play something so a webhook arrives.</p>
      ) : (
        <ul class="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
          {v.people.map((p) => {
            const msg = rowMessage(p.plexAccountId);
            return (
              <li class="py-3" id={`person-${p.plexAccountId}`} data-plex-access={p.plexAccess}>
                <div class="flex flex-wrap items-baseline justify-between gap-2">
                  <p class="font-medium">
                    {p.name} <span class="text-xs text-slate-600 dark:text-slate-400">{`${KIND[p.kind]} · #${p.plexAccountId}`}</span>
                  </p>
                  <div class="flex flex-wrap gap-2">
                    <Toggle p={p} field="webhooks" label="Webhooks" csrf={v.csrf} />
                    <Toggle p={p} field="sync" label="Sync" csrf={v.csrf} />
                  </div>
                </div>
                <div class="mt-2 text-sm">
                  <span class="text-xs uppercase text-slate-600 dark:text-slate-400">Trakt </span>
                  <TraktCell p={p} v={v} />
                </div>
                <p class="mt-1 text-xs text-slate-600 dark:text-slate-400" data-access-line="">
                  {accessLine(p)}
                </p>
                {p.kind === 'home' && p.protected && <PinForm p={p} v={v} error={msg?.kind === 'error' ? msg.text : undefined} />}
                {msg && !(p.kind === 'home' && p.protected && msg.kind === 'error') && (
                  <p class={`mt-1 text-sm ${msg.kind === 'ok' ? 'text-emerald-700 dark:text-emerald-300' : 'text-red-700 dark:text-red-300'}`} role="status">
                    {msg.text}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <form method="post" action="/settings/people/refresh" {...hx('/settings/people/refresh')} class="mt-3">
        <CsrfField token={v.csrf} />
        <button type="submit" class={secondaryButtonClass}>
          Read the household from plex.tv again
        </button>
      </form>
    </div>
  );
}
