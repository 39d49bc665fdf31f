/** POST /api/v1/notifications/test: notify.test to every configured URL, each answer with its URL masked. */
import { Hono } from 'hono';
import type { AppEnv } from './env.js';
import { statusParts } from './status.js';
import { listTargetSummaries, recentDeliveries } from '../notify/targets.js';

export function notifyApi() {
  const api = new Hono<AppEnv>();
  api.post('/notifications/test', async (c) => {
    const notify = c.var.deps.notify;
    const results = await notify.test();
    return c.json({ results });
  });
  return api;
}

/** The status's notifications part: how many URLs, what waits, and the last delivery that failed. */
statusParts.push(async (deps) => {
  const targets = await listTargetSummaries(deps.db);
  const lastFailed = (await recentDeliveries(deps.db, 50)).find((d) => !d.ok);
  return {
    notifications: {
      urls: targets.map((t) => t.masked),
      waiting: deps.notify.outbox.waiting(),
      lastError: lastFailed ? { at: new Date(lastFailed.at).toISOString(), url: lastFailed.masked_url, event: lastFailed.event, error: lastFailed.error } : null,
    },
  };
});
