/**
 * createApp(deps): the whole HTTP surface, built from its dependencies. Only main.ts
 * calls serve(); tests call app.request() or serve it on a free port.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { jsxRenderer } from 'hono/jsx-renderer';
import crypto from 'node:crypto';
import { Layout } from '../views/layout.js';
import { NotFoundPage, ServerErrorPage } from '../views/pages/errors.js';
import { redactWebhookPath } from './log/redact.js';
import { apiRoutes } from './web/api.js';
import { authRoutes } from './web/auth.js';
import type { AppDeps, AppEnv } from './web/env.js';
import { healthRoutes } from './web/health.js';
import { liveRoutes } from './web/live.js';
import { logRoutes } from './web/logs.js';
import { metricsRoutes } from './web/metrics.js';
import { limitBodies } from './web/middleware/body-limit.js';
import { csrfProtection } from './web/middleware/csrf.js';
import { formBodiesOnly } from './web/middleware/form-body.js';
import { securityHeaders } from './web/middleware/security.js';
import { requireSession } from './web/middleware/session.js';
import { pageRoutes } from './web/pages.js';
import { settingsRoutes } from './web/settings/routes.js';
import { staticRoutes } from './web/static.js';
import { webhookRoutes } from './web/webhooks.js';
import { eventRoutes } from './web/events.js';
import { webhookAccountRoutes } from './web/events-accounts.js';
import { runRoutes } from './web/runs.js';
import { undoRoutes } from './web/undo-routes.js';
import { syncSettingsRoutes } from './web/runs-settings.js';
import { unmatchedRoutes } from './web/unmatched.js';
import { historyRoutes } from './web/history.js';

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.use('*', async function provideDeps(c, next) {
    c.set('deps', deps);
    await next();
  });
  app.use('*', securityHeaders(deps.config));
  // Size first, then the session, and only then anything that parses a body (CSRF reads the form).
  app.use('*', limitBodies());
  app.use('*', requireSession());
  app.use('*', csrfProtection());
  app.use('*', formBodiesOnly());
  app.use(
    '*',
    jsxRenderer(({ children, title, nav }) => (
      <Layout title={title} nav={nav}>
        {children}
      </Layout>
    )),
  );

  app.route('/', healthRoutes());
  app.route('/', webhookRoutes());
  app.route('/', metricsRoutes());
  app.route('/', staticRoutes());
  app.route('/api/v1', apiRoutes());
  app.route('/', authRoutes());
  app.route('/', liveRoutes());
  app.route('/', logRoutes());
  app.route('/', eventRoutes());
  app.route('/', webhookAccountRoutes());
  app.route('/', settingsRoutes());
  app.route('/', runRoutes());
  app.route('/', undoRoutes());
  app.route('/', unmatchedRoutes());
  app.route('/', historyRoutes());
  app.route('/', syncSettingsRoutes());
  app.route('/', pageRoutes());

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/')) {
      return c.json({ error: 'not_found' }, 404);
    }
    c.status(404);
    return c.render(<NotFoundPage />, { title: 'Not found' });
  });

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      if (err.res) return err.res;
      return c.text(err.message || 'Request refused', err.status);
    }
    const reference = crypto.randomBytes(4).toString('hex');
    deps.log.error({ component: 'web', err, reference, path: redactWebhookPath(c.req.path) }, 'request failed');
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/')) {
      return c.json({ error: 'internal_error', reference }, 500);
    }
    c.status(500);
    return c.render(<ServerErrorPage reference={reference} />, { title: 'Error' });
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
