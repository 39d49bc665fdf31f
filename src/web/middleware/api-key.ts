/** `/api/v1/*` is for scripts: it needs the `X-Api-Key` header, compared in constant time. */
import { createMiddleware } from 'hono/factory';
import { safeEqual } from '../../security/password.js';
import type { AppEnv } from '../env.js';

export function requireApiKey() {
  return createMiddleware<AppEnv>(async function apiKey(c, next) {
    const sent = c.req.header('x-api-key');
    if (!sent || !safeEqual(sent, c.var.deps.secrets.apiKey())) {
      return c.json({ error: 'unauthorized', message: 'Send the API key from Settings in the X-Api-Key header.' }, 401);
    }
    return next();
  });
}
