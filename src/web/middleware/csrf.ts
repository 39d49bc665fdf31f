/**
 * CSRF protection for every state-changing dashboard route: a per-browser token in an
 * HttpOnly cookie that each form (hidden `_csrf`) and each htmx request (header
 * `X-CSRF-Token`, added by /static/app.js) must echo, plus an Origin check.
 * The webhook and `/api/v1/*` are exempt: they carry their own secrets.
 */
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { randomToken, safeEqual } from '../../security/password.js';
import type { AppEnv } from '../env.js';
import { isSecureRequest } from './request-info.js';

export const CSRF_COOKIE = 'pts_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const EXEMPT = [/^\/webhooks\//, /^\/api\/v1\//, /^\/healthz$/, /^\/metrics$/, /^\/static\//];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isCsrfExempt(path: string): boolean {
  return EXEMPT.some((r) => r.test(path));
}

export function csrfProtection() {
  return createMiddleware<AppEnv>(async function csrf(c, next) {
    if (isCsrfExempt(c.req.path)) return next();
    let token = getCookie(c, CSRF_COOKIE);
    if (!token || token.length < 20) {
      token = randomToken(24);
      setCookie(c, CSRF_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure: isSecureRequest(c) });
    }
    c.set('csrf', token);
    if (!UNSAFE.has(c.req.method)) return next();

    const origin = c.req.header('origin');
    if (origin && origin !== 'null') {
      const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
      if (!host || new URL(origin).host !== host) throw new HTTPException(403, { message: 'Cross-site request refused.' });
    }
    let sent = c.req.header(CSRF_HEADER);
    if (!sent) {
      const type = c.req.header('content-type') ?? '';
      if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
        const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const v = body[CSRF_FIELD];
        sent = typeof v === 'string' ? v : undefined;
      }
    }
    if (!sent || !getCookie(c, CSRF_COOKIE) || !safeEqual(sent, token)) {
      throw new HTTPException(403, { message: 'This form has expired or did not come from this dashboard. Reload the page and try again.' });
    }
    return next();
  });
}
