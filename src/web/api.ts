/** The JSON API for scripts, under `/api/v1`, behind `X-Api-Key`. Features mount their routes on it. */
import { Hono } from 'hono';
import type { AppEnv } from './env.js';
import { requireApiKey } from './middleware/api-key.js';
import { collectStatus } from './status.js';
import { eventsApi } from './events-api.js';
import { syncApi } from './api-sync.js';
import { notifyApi } from './api-notify.js';

export function apiRoutes() {
  const api = new Hono<AppEnv>();
  api.use('*', requireApiKey());
  api.get('/status', async (c) => c.json(await collectStatus(c.var.deps)));
  api.route('/', eventsApi());
  api.route('/', syncApi());
  api.route('/', notifyApi());
  api.notFound((c) => c.json({ error: 'not_found', message: `No API route ${c.req.method} ${c.req.path}` }, 404));
  return api;
}
