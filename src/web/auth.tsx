/**
 * Setup (first password), sign-in and sign-out. Guesses of the password and of the setup
 * code go through one AttemptLimiter per app: one guess in flight per address, a growing
 * wait after a few wrong ones, a lockout with a sentence after `perWindow` in the window.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { rememberPassword } from '../config/password-epoch.js';
import { getPasswordHash, setPasswordHashIfUnset } from '../config/secrets.js';
import { AttemptLimiter, waitPhrase, type Refusal } from '../security/attempt-limiter.js';
import { hashPassword, safeEqual, verifyPassword } from '../security/password.js';
import { LoginPage, SetupPage } from '../../views/pages/auth.js';
import type { AppEnv } from './env.js';
import { readForm } from './form.js';
import { clientKey } from './middleware/request-info.js';
import { endAllSessions, endSession, passwordIsSet, startSession } from './middleware/session.js';

function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : '/';
}

/** The sentence and status for a guess that may not start now. */
function refusalText(r: Refusal, what: string): string {
  return r.refused === 'busy'
    ? `Another ${what} from your address is still being checked. Wait a moment, then try again.`
    : `Too many wrong ${what === 'sign-in' ? 'passwords' : 'setup codes'} from your address. Try again in ${waitPhrase(r.retryAfterMs)}.`;
}

function refuse(c: Context<AppEnv>, r: Refusal): void {
  c.status(429);
  c.header('Retry-After', String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function authRoutes() {
  const app = new Hono<AppEnv>();
  let limiter: AttemptLimiter | undefined;
  const limiterOf = (c: Context<AppEnv>) => (limiter ??= new AttemptLimiter({ baseDelayMs: c.var.deps.loginThrottleMs ?? 500 }));

  app.get('/setup', async (c) => {
    if (await passwordIsSet(c)) return c.redirect('/login');
    return c.render(<SetupPage csrf={c.var.csrf} needsCode={!!c.var.deps.setupCode} />, { title: 'Welcome' });
  });

  app.post('/setup', async (c) => {
    const { deps } = c.var;
    if (await passwordIsSet(c)) return c.redirect('/login');
    const body = await readForm(c);
    const page = (error: string) => c.render(<SetupPage csrf={c.var.csrf} needsCode={!!deps.setupCode} error={error} />, { title: 'Welcome' });
    const attempt = limiterOf(c).begin(clientKey(c));
    if (attempt.refused) {
      refuse(c, attempt);
      return page(refusalText(attempt, 'setup'));
    }
    try {
      if (attempt.delayMs) await sleep(attempt.delayMs);
      const code = deps.setupCode;
      if (code && !safeEqual(String(body.setupCode ?? '').trim().toUpperCase(), code)) {
        if (attempt.remaining === 0) deps.log.warn({ component: 'auth', address: clientKey(c) }, 'too many wrong setup codes: the address is locked out for 15 minutes');
        c.status(400);
        return page('That setup code is not right. Copy it from the log the service printed when it started.');
      }
      attempt.succeeded(); // the code was right: what follows is not a guess
      const password = String(body.password ?? '');
      c.status(400);
      if (password.length < 8) return page('Choose a password of at least 8 characters.');
      if (password !== String(body.confirm ?? '')) return page('The two passwords are different. Type the same password twice.');
      // Compare-and-set: of two correct posts at once, only the first to store its hash gets a session.
      if (!(await setPasswordHashIfUnset(deps.db, await hashPassword(password)))) return c.redirect('/login');
      deps.setupCode = undefined;
      await rememberPassword(deps.db, deps.config, deps.secrets.sessionKey);
      deps.log.info({ component: 'auth' }, 'admin password set');
      await startSession(c);
      return c.redirect('/');
    } finally {
      attempt.done();
    }
  });

  app.get('/login', async (c) => {
    if (!(await passwordIsSet(c))) return c.redirect('/setup');
    if (c.var.session) return c.redirect('/');
    return c.render(<LoginPage csrf={c.var.csrf} next={c.req.query('next')} />, { title: 'Sign in' });
  });

  app.post('/login', async (c) => {
    const { deps } = c.var;
    const body = await readForm(c);
    const page = (error: string) => c.render(<LoginPage csrf={c.var.csrf} next={String(body.next ?? '')} error={error} />, { title: 'Sign in' });
    const attempt = limiterOf(c).begin(clientKey(c));
    if (attempt.refused) {
      refuse(c, attempt);
      return page(refusalText(attempt, 'sign-in'));
    }
    try {
      if (attempt.delayMs) await sleep(attempt.delayMs);
      const password = String(body.password ?? '');
      const hash = await getPasswordHash(deps.db);
      const ok = deps.config.adminPassword
        ? safeEqual(password, deps.config.adminPassword)
        : !!hash && (await verifyPassword(password, hash));
      if (!ok) {
        deps.log.warn({ component: 'auth' }, 'wrong admin password');
        if (attempt.remaining === 0) deps.log.warn({ component: 'auth', address: clientKey(c) }, 'too many wrong passwords: the address is locked out for 15 minutes');
        c.status(401);
        return page('Wrong password.');
      }
      attempt.succeeded();
      await startSession(c);
      return c.redirect(safeNext(body.next));
    } finally {
      attempt.done();
    }
  });

  app.post('/logout', async (c) => {
    await endSession(c);
    return c.redirect('/login');
  });

  /** Ends every session, this browser's included: for a lost phone or a shared computer. */
  app.post('/logout/everywhere', async (c) => {
    await endAllSessions(c);
    c.var.deps.log.info({ component: 'auth' }, 'signed out everywhere');
    return c.redirect('/login');
  });

  return app;
}
