/**
 * The Plex part of Settings: Sign in with Plex (PIN, polled through htmx), the server
 * picker with tested connections, a manual URL + token, the library checkboxes, and the
 * connected server. One component for the page and every htmx answer (it replaces itself).
 */
import { buttonClass, Card, CsrfField, secondaryButtonClass } from '../components.js';
import { Field, Notice } from './fields.js';
import { PlexServerPicker, type PickerServer } from './plex-picker.js';
import { PlexLibraries, type LibraryChoice } from './plex-libraries.js';

export interface PlexSectionView {
  csrf: string;
  /** PLEX_URL + PLEX_TOKEN preset the server (read-only here). */
  fromEnv: boolean;
  envProblem?: string;
  connected?: { name: string | null; url: string; source: 'env' | 'stored'; ownerUsername: string | null; libraries: string };
  /** The signed-in plex.tv account (PIN login), when no server is chosen yet. */
  signedInAs?: string;
  /** A PIN waiting for approval. */
  pin?: { expiresAt: number; tries: number };
  servers?: PickerServer[];
  /** Load the picker when the section appears (signed in, no server yet). */
  loadServers?: boolean;
  libraries?: LibraryChoice[];
  manualUrl?: string;
  errors?: { url?: string; token?: string; server?: string; libraries?: string };
  message?: { kind: 'ok' | 'warn' | 'error'; text: string };
}

export const plexHx = (path: string) => ({ 'hx-post': path, 'hx-target': '#settings-plex', 'hx-swap': 'outerHTML' });

function SignIn(props: { v: PlexSectionView; label: string }) {
  // The form opens the plex.tv page in a new tab (a real navigation, so no popup blocker);
  // the hidden poller below starts asking this server whether the PIN was approved. It
  // listens on the document: htmx cancels a submit it hears on the form itself.
  return (
    <div class="mt-4">
      <form id="plex-signin-form" method="post" action="/settings/plex/pin" target="_blank">
        <CsrfField token={props.v.csrf} />
        <button type="submit" class={buttonClass} id="plex-signin">
          {props.label}
        </button>
        <span class="ml-2 text-xs text-slate-600 dark:text-slate-400">Opens plex.tv in a new tab; approve there and come back.</span>
      </form>
      <div id="plex-pin-start" {...plexHx('/settings/plex/pin/poll')} hx-trigger="submit from:document target:#plex-signin-form delay:700ms" hx-vals='{"tries":"0"}'></div>
    </div>
  );
}

function PinWaiting(props: { v: PlexSectionView }) {
  const p = props.v.pin!;
  const expires = new Date(p.expiresAt).toISOString();
  return (
    <div class="mt-4 rounded-lg border border-slate-200 p-4 dark:border-slate-700" id="plex-pin-waiting">
      <p class="text-sm" aria-live="polite">
        Waiting for you to approve the sign-in on plex.tv… The request expires at{' '}
        <time datetime={expires} data-local="time">
          {expires}
        </time>
        .
      </p>
      <div id="plex-pin-poll" {...plexHx('/settings/plex/pin/poll')} hx-trigger="load delay:1s" hx-vals={JSON.stringify({ tries: String(p.tries + 1) })}></div>
      <form method="post" action="/settings/plex/pin/cancel" {...plexHx('/settings/plex/pin/cancel')} class="mt-3">
        <CsrfField token={props.v.csrf} />
        <button type="submit" class={secondaryButtonClass}>
          Cancel
        </button>
      </form>
    </div>
  );
}

function ManualForm(props: { v: PlexSectionView }) {
  const v = props.v;
  return (
    <details class="mt-4" open={!!(v.errors?.url || v.errors?.token)}>
      <summary class="cursor-pointer text-sm font-medium">Or connect with a server URL and token</summary>
      <form id="plex-manual-form" method="post" action="/settings/plex/manual" {...plexHx('/settings/plex/manual')} class="mt-3 space-y-3" novalidate>
        <CsrfField token={v.csrf} />
        <Field id="plex-url" name="url" label="Server URL" value={v.manualUrl ?? ''} placeholder="http://192.168.1.10:32400" error={v.errors?.url} />
        <Field id="plex-token" name="token" label="Plex token" type="password" error={v.errors?.token} hint="The X-Plex-Token of an account on this server." />
        <button type="submit" class={buttonClass} id="plex-manual-connect">
          Test and connect
        </button>
      </form>
    </details>
  );
}

function Connected(props: { v: PlexSectionView }) {
  const v = props.v;
  const c = v.connected!;
  return (
    <div>
      <p class="text-lg font-medium" id="plex-status" data-state="connected">
        {'Connected to '}
        <strong id="plex-server-name">{c.name ?? c.url}</strong>
        {c.ownerUsername && <span class="text-sm text-slate-600 dark:text-slate-400">{` as ${c.ownerUsername}`}</span>}
      </p>
      <p class="text-sm text-slate-600 dark:text-slate-400">
        <code id="plex-server-url">{c.url}</code>
      </p>
      {c.source === 'env' && (
        <p class="mt-1 text-xs text-slate-600 dark:text-slate-400" data-env="PLEX_URL">
          Set by PLEX_URL and PLEX_TOKEN in the environment (read-only here).
        </p>
      )}
      <p class="mt-2 text-sm" id="plex-libraries-summary">
        Libraries synced: {c.libraries}
      </p>
      <div class="mt-3 flex flex-wrap gap-2">
        <form method="post" action="/settings/plex/test" {...plexHx('/settings/plex/test')}>
          <CsrfField token={v.csrf} />
          <button type="submit" class={secondaryButtonClass} id="plex-test">
            Test connection
          </button>
        </form>
        <form method="post" action="/settings/plex/libraries" {...plexHx('/settings/plex/libraries')}>
          <CsrfField token={v.csrf} />
          <button type="submit" class={secondaryButtonClass} id="plex-fetch-libraries">
            Fetch libraries
          </button>
        </form>
        {c.source === 'stored' && (
          <form method="post" action="/settings/plex/disconnect" {...plexHx('/settings/plex/disconnect')}>
            <CsrfField token={v.csrf} />
            <button type="submit" class={secondaryButtonClass} id="plex-disconnect">
              Disconnect
            </button>
          </form>
        )}
      </div>
      {v.libraries && <PlexLibraries csrf={v.csrf} libraries={v.libraries} error={v.errors?.libraries} />}
    </div>
  );
}

export function PlexSection(props: { view: PlexSectionView }) {
  const v = props.view;
  return (
    <section id="settings-plex" data-section="plex">
      <Card title="Plex">
        {v.envProblem && <Notice kind="warn">{v.envProblem}</Notice>}
        {v.connected ? (
          <Connected v={v} />
        ) : v.pin ? (
          <PinWaiting v={v} />
        ) : v.signedInAs ? (
          <div>
            <p class="text-sm" id="plex-signed-in">
              Signed in to plex.tv as <strong>{v.signedInAs}</strong>. Choose the server to sync with.
            </p>
            {v.servers ? (
              <PlexServerPicker csrf={v.csrf} servers={v.servers} error={v.errors?.server} />
            ) : (
              v.loadServers && (
                <div id="plex-servers-loading" {...plexHx('/settings/plex/servers')} hx-trigger="load" class="mt-3 text-sm text-slate-600 dark:text-slate-400">
                  Looking for your servers and testing their connections…
                </div>
              )
            )}
            <SignIn v={v} label="Sign in with another Plex account" />
            <ManualForm v={v} />
          </div>
        ) : (
          <div>
            <p class="text-sm text-slate-600 dark:text-slate-300">Sign in with your Plex account to pick your server, or give its address and a token.</p>
            <SignIn v={v} label="Sign in with Plex" />
            <ManualForm v={v} />
          </div>
        )}
        {v.message && (
          <Notice kind={v.message.kind} id="plex-message">
            {v.message.text}
          </Notice>
        )}
      </Card>
    </section>
  );
}
