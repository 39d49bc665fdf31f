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
/** Methods that change state: the ones CSRF (and the form-body rule) guard. */
export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A body the browser sends for a form (htmx or plain): URL-encoded or multipart. */
export function isFormBody(contentType: string | undefined): boolean {
  const type = (contentType ?? '').trim().toLowerCase();
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

export function isCsrfExempt(path: string): boolean {
  return EXEMPT.some((r) => r.test(path));
}

/** The host of an Origin header; undefined for one that is not a URL (refused like a foreign one, never a 500). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
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
    if (!UNSAFE_METHODS.has(c.req.method)) return next();

    const origin = c.req.header('origin');
    if (origin && origin !== 'null') {
      const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
      if (!host || originHost(origin) !== host) throw new HTTPException(403, { message: 'Cross-site request refused.' });
    }
    let sent = c.req.header(CSRF_HEADER);
    if (!sent) {
      if (isFormBody(c.req.header('content-type'))) {
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
