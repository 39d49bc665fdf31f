/** The settings page as far as the foundation goes: the secrets a user needs to connect Plex and scripts. */
import { Card, PageHeader } from '../components.js';

export interface BasicSettingsView {
  webhookUrl: string;
  apiKey: string;
  apiKeyFromEnv: boolean;
  webhookSecretFromEnv: boolean;
}

export function BasicSettingsPage(props: { view: BasicSettingsView }) {
  const v = props.view;
  return (
    <>
      <PageHeader title="Settings" />
      <div class="space-y-4">
        <Card title="Plex webhook">
          <p class="text-sm text-slate-500">
            In Plex Web, open Settings → Webhooks → Add Webhook and paste this URL (webhooks need Plex Pass).
            {v.webhookSecretFromEnv && ' The secret in it is set by WEBHOOK_SECRET in the environment.'}
          </p>
          <code id="webhook-url" class="mt-2 block break-all rounded bg-slate-100 p-2 text-sm dark:bg-slate-800">
            {v.webhookUrl}
          </code>
        </Card>
        <Card title="API key">
          <p class="text-sm text-slate-500">
            Scripts call <code>/api/v1/*</code> with this key in the <code>X-Api-Key</code> header.
            {v.apiKeyFromEnv && ' It is set by API_KEY in the environment.'}
          </p>
          <code id="api-key" class="mt-2 block break-all rounded bg-slate-100 p-2 text-sm dark:bg-slate-800">
            {v.apiKey}
          </code>
        </Card>
      </div>
    </>
  );
}
