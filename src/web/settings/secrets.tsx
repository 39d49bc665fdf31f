/** The webhook URL and API key sections, and their "regenerate" buttons (refused when the environment sets them). */
import { Hono, type Context } from 'hono';
import { lastWebhookEvent } from '../../db/repos/webhook-events.js';
import { ApiKeySection, WebhookSection } from '../../../views/settings/webhook-section.js';
import type { AppEnv } from '../env.js';
import { publicOrigin } from '../middleware/request-info.js';
import { webhookUrl } from '../pages.js';
import { answerSection } from './render.js';

export async function renderWebhookSection(c: Context<AppEnv>, message?: string) {
  const { secrets, db } = c.var.deps;
  const last = await lastWebhookEvent(db);
  return (
    <WebhookSection
      view={{ csrf: c.var.csrf, webhookUrl: webhookUrl(publicOrigin(c), secrets.webhookSecret()), fromEnv: secrets.webhookSecretFromEnv, lastWebhookAt: last?.received_at, message }}
    />
  );
}

export function renderApiKeySection(c: Context<AppEnv>, message?: string) {
  const { secrets } = c.var.deps;
  return <ApiKeySection view={{ csrf: c.var.csrf, apiKey: secrets.apiKey(), fromEnv: secrets.apiKeyFromEnv, message }} />;
}

export function secretSettingsRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/settings/webhook/regenerate', async (c) => {
    const { secrets, log } = c.var.deps;
    if (secrets.webhookSecretFromEnv) return answerSection(c, 'webhook', await renderWebhookSection(c, 'WEBHOOK_SECRET is set in the environment; change it there.'), 400);
    await secrets.regenerateWebhookSecret();
    log.info({ component: 'settings' }, 'webhook secret regenerated');
    return answerSection(c, 'webhook', await renderWebhookSection(c, 'New secret: paste the new URL into Plex (Settings → Webhooks); the old URL no longer works.'));
  });
  app.post('/settings/api-key/regenerate', async (c) => {
    const { secrets, log } = c.var.deps;
    if (secrets.apiKeyFromEnv) return answerSection(c, 'api-key', renderApiKeySection(c, 'API_KEY is set in the environment; change it there.'), 400);
    await secrets.regenerateApiKey();
    log.info({ component: 'settings' }, 'API key regenerated');
    return answerSection(c, 'api-key', renderApiKeySection(c, 'New key: update your scripts; the old key no longer works.'));
  });
  return app;
}
