/** `GET /metrics`: Prometheus text format, open like /healthz (it holds counts, never secrets). */
import { Hono } from 'hono';
import { metrics } from '../metrics/registry.js';
import type { AppEnv } from './env.js';

export function metricsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/metrics', async (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(await metrics.render());
  });
  return app;
}
