/** The Plex webhook URL (copy, regenerate the secret) and the API key for scripts (copy, regenerate). */
import { Card, CsrfField, secondaryButtonClass } from '../components.js';
import { Notice } from './fields.js';
import { ConfirmAction } from './confirm.js';

export interface WebhookSectionView {
  csrf: string;
  webhookUrl: string;
  fromEnv: boolean;
  /** Filled from the webhook store: when the last webhook arrived (epoch ms), or undefined for "none yet". */
  lastWebhookAt?: number;
  message?: string;
}

export interface ApiKeySectionView {
  csrf: string;
  apiKey: string;
  fromEnv: boolean;
  message?: string;
}

function Regenerate(props: { action: string; target: string; csrf: string; fromEnv: boolean; envVar: string; id: string; label: string; warning: string; confirmLabel: string }) {
  return (
    <>
      <ConfirmAction
        id={props.id}
        label={props.label}
        warning={props.warning}
        confirmLabel={props.confirmLabel}
        action={props.action}
        csrf={props.csrf}
        hx={{ 'hx-post': props.action, 'hx-target': props.target, 'hx-swap': 'outerHTML' }}
        disabled={props.fromEnv}
        title={props.fromEnv ? `Set by ${props.envVar}; change it there.` : undefined}
      />
      {props.fromEnv && <span class="ml-2 text-xs text-slate-600 dark:text-slate-400" data-env={props.envVar}>{`Set by ${props.envVar} in the environment: change it there.`}</span>}
    </>
  );
}

export function WebhookSection(props: { view: WebhookSectionView }) {
  const v = props.view;
  const last = v.lastWebhookAt ? new Date(v.lastWebhookAt).toISOString() : undefined;
  return (
    <section id="settings-webhook" data-section="webhook">
      <Card title="Plex webhook">
        <p class="text-sm text-slate-600 dark:text-slate-300">
          In Plex Web open <em>Settings → Webhooks → Add Webhook</em>, paste this URL and save (webhooks need Plex Pass on the server owner's account).
        </p>
        <div class="mt-2 flex items-start gap-2">
          <code id="webhook-url" class="block flex-1 break-all rounded bg-slate-100 p-2 text-sm dark:bg-slate-800">
            {v.webhookUrl}
          </code>
          <button type="button" class={secondaryButtonClass} data-copy="#webhook-url" id="copy-webhook-url">
            Copy
          </button>
        </div>
        <p class="mt-2 text-sm" id="last-webhook">
          {'Last webhook: '}
          {last ? (
            <time datetime={last} data-local="">
              {last}
            </time>
          ) : (
            <span class="text-slate-600 dark:text-slate-400">none yet</span>
          )}
        </p>
        <div class="mt-3">
          <Regenerate
            action="/settings/webhook/regenerate" target="#settings-webhook" csrf={v.csrf} fromEnv={v.fromEnv} envVar="WEBHOOK_SECRET" id="regenerate-webhook-secret"
            label="Regenerate secret"
            warning="The URL above stops working at once: Plex's webhooks are refused until you paste the new URL in Plex Web → Settings → Webhooks."
            confirmLabel="Regenerate the secret now"
          />
        </div>
        {v.message && <Notice kind="warn" id="webhook-message">{v.message}</Notice>}
      </Card>
    </section>
  );
}

export function ApiKeySection(props: { view: ApiKeySectionView }) {
  const v = props.view;
  return (
    <section id="settings-api-key" data-section="api-key">
      <Card title="API key">
        <p class="text-sm text-slate-600 dark:text-slate-300">
          Scripts call <code>/api/v1/*</code> with this key in the <code>X-Api-Key</code> header.
        </p>
        <div class="mt-2 flex items-start gap-2">
          <code id="api-key" class="block flex-1 break-all rounded bg-slate-100 p-2 text-sm dark:bg-slate-800">
            {v.apiKey}
          </code>
          <button type="button" class={secondaryButtonClass} data-copy="#api-key" id="copy-api-key">
            Copy
          </button>
        </div>
        <div class="mt-3">
          <Regenerate
            action="/settings/api-key/regenerate" target="#settings-api-key" csrf={v.csrf} fromEnv={v.fromEnv} envVar="API_KEY" id="regenerate-api-key"
            label="Regenerate key"
            warning="The key above stops working at once: every script that calls /api/v1/* with it gets 401 until you give it the new key."
            confirmLabel="Regenerate the key now"
          />
        </div>
        {v.message && <Notice kind="warn" id="api-key-message">{v.message}</Notice>}
      </Card>
    </section>
  );
}
