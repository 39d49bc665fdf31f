/**
 * Settings fragments owned by the webhook feature: the older Plex account → Trakt account map
 * (GET/POST /settings/webhook-accounts, kept for scripts; the settings page shows Settings →
 * People instead, over the same `people` rows) and the "last webhook arrived" line
 * (GET /settings/webhook-last).
 */
import { Hono } from 'hono';
import { listWebhookAccounts, setWebhookAccountMode } from '../db/repos/webhook-accounts.js';
import { lastWebhookEvent } from '../db/repos/webhook-events.js';
import { AccountMap, LastWebhookLine } from '../../views/settings/account-map.js';
import type { AppDeps, AppEnv } from './env.js';
import { readForm } from './form.js';

async function view(deps: AppDeps, message?: string) {
  const [accounts, traktAccounts] = await Promise.all([listWebhookAccounts(deps.db), deps.webhookQueue?.ports?.traktAccounts() ?? Promise.resolve([])]);
  return { accounts, traktAccounts, message };
}

export function webhookAccountRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/settings/webhook-accounts', async (c) => c.html(<AccountMap view={await view(c.var.deps)} />));
  app.get('/settings/webhook-last', async (c) => {
    const last = await lastWebhookEvent(c.var.deps.db);
    return c.html(<LastWebhookLine last={last && { receivedAt: last.received_at, event: last.event, serverTitle: last.server_title }} />);
  });
  app.post('/settings/webhook-accounts/:id{[0-9]+}', async (c) => {
    const { deps } = c.var;
    const id = Number(c.req.param('id'));
    const target = (await readForm(c)).target ?? '';
    const v = await view(deps);
    let ok: boolean;
    if (target === 'default') ok = await setWebhookAccountMode(deps.db, id, 'default', null);
    else if (target === 'ignore') ok = await setWebhookAccountMode(deps.db, id, 'ignored', null);
    else {
      const m = /^trakt:(\d+)$/.exec(target);
      const trakt = m ? Number(m[1]) : NaN;
      if (!v.traktAccounts.some((t) => t.id === trakt)) return c.text('Choose a connected Trakt account, Ignore, or Default.', 400);
      ok = await setWebhookAccountMode(deps.db, id, 'mapped', trakt);
    }
    if (!ok) return c.text('That Plex account has not been seen in a webhook yet. Reload the page.', 404);
    deps.log.info({ component: 'events', plexAccountId: id, target }, 'webhook account mapping changed');
    return c.html(<AccountMap view={await view(deps, 'Saved. New events from this account follow the new choice.')} />);
  });
  return app;
}
