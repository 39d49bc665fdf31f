/** Setup (first password), sign-in with a slowdown after wrong passwords, sign-out. */
import { Hono } from 'hono';
import { getPasswordHash, setPasswordHash } from '../config/secrets.js';
import { hashPassword, safeEqual, verifyPassword } from '../security/password.js';
import { LoginPage, SetupPage } from '../../views/pages/auth.js';
import type { AppEnv } from './env.js';
import { readForm } from './form.js';
import { clientKey } from './middleware/request-info.js';
import { endSession, passwordIsSet, startSession } from './middleware/session.js';

/** After this many wrong passwords in a row, each further attempt waits longer (doubling, capped). */
const FREE_ATTEMPTS = 3;
const MAX_DELAY_MS = 10_000;

function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : '/';
}

export function authRoutes() {
  const app = new Hono<AppEnv>();
  const failures = new Map<string, number>();

  app.get('/setup', async (c) => {
    if (await passwordIsSet(c)) return c.redirect('/login');
    return c.render(<SetupPage csrf={c.var.csrf} needsCode={!!c.var.deps.setupCode} />, { title: 'Welcome' });
  });

  app.post('/setup', async (c) => {
    const { deps } = c.var;
    if (await passwordIsSet(c)) return c.redirect('/login');
    const body = await readForm(c);
    const password = String(body.password ?? '');
    const fail = (error: string) => {
      c.status(400);
      return c.render(<SetupPage csrf={c.var.csrf} needsCode={!!deps.setupCode} error={error} />, { title: 'Welcome' });
    };
    if (deps.setupCode && !safeEqual(String(body.setupCode ?? '').trim().toUpperCase(), deps.setupCode)) {
      return fail('That setup code is not right. Copy it from the log the service printed when it started.');
    }
    if (password.length < 8) return fail('Choose a password of at least 8 characters.');
    if (password !== String(body.confirm ?? '')) return fail('The two passwords are different. Type the same password twice.');
    await setPasswordHash(deps.db, await hashPassword(password));
    deps.setupCode = undefined;
    deps.log.info({ component: 'auth' }, 'admin password set');
    await startSession(c);
    return c.redirect('/');
  });

  app.get('/login', async (c) => {
    if (!(await passwordIsSet(c))) return c.redirect('/setup');
    if (c.var.session) return c.redirect('/');
    return c.render(<LoginPage csrf={c.var.csrf} next={c.req.query('next')} />, { title: 'Sign in' });
  });

  app.post('/login', async (c) => {
    const { deps } = c.var;
    const body = await readForm(c);
    const key = clientKey(c);
    const failed = failures.get(key) ?? 0;
    if (failed >= FREE_ATTEMPTS) {
      const delay = Math.min((deps.loginThrottleMs ?? 500) * 2 ** (failed - FREE_ATTEMPTS), MAX_DELAY_MS);
      await new Promise((r) => setTimeout(r, delay));
    }
    const password = String(body.password ?? '');
    const hash = await getPasswordHash(deps.db);
    const ok = deps.config.adminPassword
      ? safeEqual(password, deps.config.adminPassword)
      : !!hash && (await verifyPassword(password, hash));
    if (!ok) {
      failures.set(key, failed + 1);
      if (failures.size > 10_000) failures.clear(); // bounded memory under a spray of addresses
      deps.log.warn({ component: 'auth', attempts: failed + 1 }, 'wrong admin password');
      c.status(401);
      return c.render(<LoginPage csrf={c.var.csrf} next={String(body.next ?? '')} error="Wrong password." />, { title: 'Sign in' });
    }
    failures.delete(key);
    await startSession(c);
    return c.redirect(safeNext(body.next));
  });

  app.post('/logout', async (c) => {
    await endSession(c);
    return c.redirect('/login');
  });

  return app;
}
