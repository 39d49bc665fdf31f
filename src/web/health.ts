/** `/healthz`: open to anyone (Docker's HEALTHCHECK, uptime monitors); 200 when the database answers. */
import { Hono } from 'hono';
import type { AppEnv } from './env.js';
import { databaseAnswers } from './status.js';

export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/healthz', async (c) => {
    if (await databaseAnswers(c.var.deps)) return c.json({ status: 'ok' });
    return c.json({ status: 'error', message: 'the database does not answer' }, 503);
  });
  return app;
}
