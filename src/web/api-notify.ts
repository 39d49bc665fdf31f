/** POST /api/v1/notifications/test: notify.test to every configured URL, each answer with its URL masked. */
import { Hono } from 'hono';
import type { AppEnv } from './env.js';

export function notifyApi() {
  const api = new Hono<AppEnv>();
  api.post('/notifications/test', async (c) => {
    const notify = c.var.deps.notify;
    const results = notify ? await notify.test() : [];
    return c.json({ results });
  });
  return api;
}
