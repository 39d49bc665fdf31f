/**
 * The Trakt part of Settings: the how-to (VIP first), client id and secret, Connect (device
 * code with htmx polling), the connected username and Disconnect. One component for the
 * page and every htmx answer (the section replaces itself).
 */
import { buttonClass, Card, CsrfField, secondaryButtonClass } from '../components.js';
import { Field, Notice } from './fields.js';
import { ConfirmAction } from './confirm.js';

export interface TraktSectionView {
  csrf: string;
  clientId: string;
  clientIdFromEnv: boolean;
  clientSecretFromEnv: boolean;
  secretStored: boolean;
  account?: { username: string; status: 'connected' | 'needs_login'; vip: boolean; lastError: string | null };
  device?: { flowId: string; userCode: string; verificationUrl: string; expiresAt: number; pollDelaySec: number; note?: string };
  errors?: { clientId?: string; clientSecret?: string; general?: string };
  message?: { kind: 'ok' | 'warn' | 'error'; text: string };
}

const hx = (path: string) => ({ 'hx-post': path, 'hx-target': '#settings-trakt', 'hx-swap': 'outerHTML' });

function HowTo() {
  return (
    <div class="space-y-2 text-sm text-slate-600 dark:text-slate-300">
      <p>
        <strong>You need your own Trakt API app.</strong> Since mid-2026 Trakt asks for a <strong>VIP</strong> account to create an
        app, and a free account can connect only one app. If Trakt answers <em>426</em>, it means exactly that: the request needs VIP.
      </p>
      <ol class="list-decimal space-y-1 pl-5">
        <li>
          Open <a class="underline" href="https://trakt.tv/oauth/applications/new" target="_blank" rel="noopener noreferrer">trakt.tv/oauth/applications/new</a> and
          create an app (any name).
        </li>
        <li>
          As <em>Redirect URI</em> enter <code class="rounded bg-slate-100 px-1 dark:bg-slate-800">urn:ietf:wg:oauth:2.0:oob</code>.
        </li>
        <li>Copy the app's Client ID and Client Secret below and click Connect Trakt.</li>
        <li>Enter the code that appears on the page Trakt opens, and approve.</li>
      </ol>
    </div>
  );
}

function DeviceWaiting(props: { v: TraktSectionView }) {
  const d = props.v.device!;
  const expires = new Date(d.expiresAt).toISOString();
  return (
    <div class="mt-4 rounded-lg border border-slate-200 p-4 dark:border-slate-700" id="trakt-device">
      <p class="text-sm">
        Open{' '}
        <a id="trakt-verification-url" class="font-medium underline" href={d.verificationUrl} target="_blank" rel="noopener noreferrer">
          {d.verificationUrl}
        </a>{' '}
        and enter this code:
      </p>
      <p id="trakt-user-code" class="my-3 font-mono text-3xl font-semibold tracking-widest">
        {d.userCode}
      </p>
      <p class="text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
        Waiting for approval… The code expires at{' '}
        <time datetime={expires} data-local="time">
          {expires}
        </time>
        .{d.note && ` ${d.note}`}
      </p>
      <div id="trakt-device-poll" {...hx(`/settings/trakt/device/${d.flowId}`)} hx-trigger={`load delay:${d.pollDelaySec}s`}></div>
      <form method="post" action="/settings/trakt/cancel" {...hx('/settings/trakt/cancel')} class="mt-3">
        <CsrfField token={props.v.csrf} />
        <input type="hidden" name="flowId" value={d.flowId} />
        <button type="submit" class={secondaryButtonClass}>
          Cancel
        </button>
      </form>
    </div>
  );
}

function ConnectForm(props: { v: TraktSectionView; label: string }) {
  const v = props.v;
  return (
    <form id="trakt-connect-form" method="post" action="/settings/trakt/connect" {...hx('/settings/trakt/connect')} class="mt-4 space-y-3" novalidate>
      <CsrfField token={v.csrf} />
      <Field id="trakt-client-id" name="clientId" label="Client ID" value={v.clientId} envVar="TRAKT_CLIENT_ID" fromEnv={v.clientIdFromEnv} error={v.errors?.clientId} />
      <Field
        id="trakt-client-secret"
        name="clientSecret"
        label="Client Secret"
        type="password"
        envVar="TRAKT_CLIENT_SECRET"
        fromEnv={v.clientSecretFromEnv}
        error={v.errors?.clientSecret}
        placeholder={v.secretStored ? 'stored (leave empty to keep it)' : ''}
      />
      <button type="submit" class={buttonClass} id="trakt-connect">
        {props.label}
      </button>
    </form>
  );
}

export function TraktSection(props: { view: TraktSectionView }) {
  const v = props.view;
  const a = v.account;
  return (
    <section id="settings-trakt" data-section="trakt">
      <Card title="Trakt">
        {a?.status === 'connected' ? (
          <div>
            <p class="text-lg font-medium" id="trakt-status" data-state="connected">
              {'Connected as '}
              <strong id="trakt-username">{a.username}</strong>
              {a.vip && <span class="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">VIP</span>}
            </p>
            <div class="mt-3">
              <ConfirmAction
                id="trakt-disconnect"
                label="Disconnect"
                warning="Scrobbles and syncs stop until you connect again: webhooks are stored but not sent to Trakt, and the sign-in is revoked at Trakt. History and settings here are kept."
                confirmLabel="Disconnect Trakt now"
                action="/settings/trakt/disconnect"
                csrf={v.csrf}
                hx={hx('/settings/trakt/disconnect')}
              />
            </div>
          </div>
        ) : (
          <>
            {a?.status === 'needs_login' && (
              <Notice kind="warn" id="trakt-needs-login">
                {`Trakt needs you to sign in again as ${a.username}. ${a.lastError ?? ''}`}
              </Notice>
            )}
            <HowTo />
            {v.device ? <DeviceWaiting v={v} /> : <ConnectForm v={v} label={a?.status === 'needs_login' ? 'Sign in again' : 'Connect Trakt'} />}
          </>
        )}
        {v.errors?.general && (
          <Notice kind="error" id="trakt-error">
            {v.errors.general}
          </Notice>
        )}
        {v.message && (
          <Notice kind={v.message.kind} id="trakt-message">
            {v.message.text}
          </Notice>
        )}
      </Card>
    </section>
  );
}
