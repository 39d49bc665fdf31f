/**
 * `GET /metrics`: Prometheus text format. Open like /healthz by default (counts, never
 * secrets); with METRICS_TOKEN set it needs `Authorization: Bearer <token>`, because the
 * counters right after a play tell someone on the network what is being watched.
 */
import { Hono } from 'hono';
import { metrics } from '../metrics/registry.js';
import { safeEqual } from '../security/password.js';
import type { AppEnv } from './env.js';

export function metricsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/metrics', async (c) => {
    const token = c.var.deps.config.metricsToken;
    if (token) {
      const sent = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
      if (!sent || !safeEqual(sent, token)) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return c.text('Send the METRICS_TOKEN as "Authorization: Bearer <token>" (in Prometheus: authorization: {credentials: <token>} in the scrape config).', 401);
      }
    }
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(await metrics.render());
  });
  return app;
}
