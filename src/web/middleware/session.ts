/**
 * Dashboard sessions: a signed, HttpOnly, SameSite=Lax cookie naming a server-side
 * session row. Every page, fragment and stream needs one; the short allow list below
 * does not (it has its own secret or is public by nature). A session slides for a week
 * of use and ends after 30 days whatever happens; a changed password ends them all.
 */
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getPasswordHash } from '../../config/secrets.js';
import { createSession, deleteAllSessions, deleteSession, touchSession } from '../../db/repos/sessions.js';
import { randomToken } from '../../security/password.js';
import type { AppEnv } from '../env.js';
import { isHtmx, isSecureRequest } from './request-info.js';

export const SESSION_COOKIE = 'pts_session';
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** The absolute lifetime: a session used every day still ends this long after sign-in. */
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** Routes that never need a dashboard session. */
const PUBLIC = [/^\/healthz$/, /^\/metrics$/, /^\/webhooks\//, /^\/api\/v1\//, /^\/static\//, /^\/login$/, /^\/setup$/, /^\/favicon\.ico$/];

export function isPublicPath(path: string): boolean {
  return PUBLIC.some((r) => r.test(path));
}

export async function passwordIsSet(c: Context<AppEnv>): Promise<boolean> {
  return !!c.var.deps.config.adminPassword || !!(await getPasswordHash(c.var.deps.db));
}

export async function startSession(c: Context<AppEnv>): Promise<void> {
  const { deps } = c.var;
  const id = randomToken(32);
  const ttl = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  await createSession(deps.db, id, ttl, c.req.header('user-agent') ?? null);
  await setSignedCookie(c, SESSION_COOKIE, id, deps.secrets.sessionKey, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isSecureRequest(c),
    maxAge: Math.max(60, Math.floor(ttl / 1000)),
  });
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const id = await getSignedCookie(c, c.var.deps.secrets.sessionKey, SESSION_COOKIE);
  if (id) await deleteSession(c.var.deps.db, id);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

export async function endAllSessions(c: Context<AppEnv>): Promise<void> {
  await deleteAllSessions(c.var.deps.db);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

export function requireSession() {
  return createMiddleware<AppEnv>(async function session(c, next) {
    const { deps } = c.var;
    const id = await getSignedCookie(c, deps.secrets.sessionKey, SESSION_COOKIE);
    if (id) {
      const row = await touchSession(deps.db, id, deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, SESSION_MAX_AGE_MS);
      if (row) c.set('session', row);
    }
    if (c.var.session || isPublicPath(c.req.path)) return next();

    const target = (await passwordIsSet(c)) ? '/login' : '/setup';
    if (isHtmx(c)) {
      c.header('HX-Redirect', target);
      return c.text('Your session has ended. Sign in again.', 401);
    }
    if (c.req.method !== 'GET' || c.req.header('accept')?.includes('text/event-stream')) {
      return c.text('Sign in first.', 401);
    }
    const next_ = c.req.path === '/' ? '' : `?next=${encodeURIComponent(c.req.path)}`;
    return c.redirect(`${target}${target === '/login' ? next_ : ''}`, 302);
  });
}
