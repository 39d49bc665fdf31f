/**
 * How sessions end, against the real service: a changed ADMIN_PASSWORD between starts ends
 * every session; a session ends 30 days after sign-in however much it is used; "Sign out
 * everywhere" ends every session; two correct setup posts at once give one session; with an
 * https PUBLIC_URL the cookies are Secure even when no proxy says so.
 */
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';
import { LoopbackClient } from '../helpers/loopback-client.js';

const DB = 'plex-trakt-sync.db';
const services: ChildService[] = [];
afterAll(async () => {
  for (const s of services) await s.kill('SIGTERM');
});
async function start(env: Record<string, string>): Promise<ChildService> {
  const s = await startChildService(env);
  services.push(s);
  return s;
}
async function signIn(url: string, password: string, from = '127.0.0.1'): Promise<LoopbackClient> {
  const c = new LoopbackClient(url, from);
  await c.get('/login');
  const res = await c.post('/login', { password });
  expect(res.status).toBe(302);
  return c;
}
// Started together before the tests: one signed-in service that two tests take turns on (the
// 30-day test first, as it rewrites every session row; "Sign out everywhere" ends them all after),
// one not set up yet, one with an https PUBLIC_URL.
const shared = { dataDir: tempDir('pts-sess-shared-'), password: 'shared sessions password' };
let signedIn: Promise<ChildService>;
const notSetUpDir = tempDir('pts-sess-setup-');
let notSetUp: Promise<ChildService>;
let https: Promise<ChildService>;
beforeAll(() => {
  signedIn = start({ DATA_DIR: shared.dataDir, ADMIN_PASSWORD: shared.password });
  notSetUp = start({ DATA_DIR: notSetUpDir });
  https = start({ DATA_DIR: tempDir('pts-sess-https-'), ADMIN_PASSWORD: 'secure cookie password', PUBLIC_URL: 'https://sync.example.test' });
  // A test awaits its own; a start that failed fails that test, not an unhandled rejection.
  for (const p of [signedIn, notSetUp, https]) p.catch(() => undefined);
});

function sessionRows(dataDir: string): number {
  const db = new BetterSqlite3(path.join(dataDir, DB), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('sessions', () => {
  it('end when ADMIN_PASSWORD changes between starts (and survive a restart with the same one)', async () => {
    const dataDir = tempDir('pts-sess-');
    let svc = await start({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'the first password' });
    const client = await signIn(svc.url, 'the first password');
    expect((await client.get('/runs')).status).toBe(200);
    await svc.kill('SIGTERM');

    svc = await start({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'the first password' });
    const same = new LoopbackClient(svc.url);
    same.cookies = client.cookies;
    expect((await same.get('/runs')).status).toBe(200);
    await svc.kill('SIGTERM');

    svc = await start({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'a changed password' });
    const after = new LoopbackClient(svc.url);
    after.cookies = client.cookies;
    const res = await after.get('/runs');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fruns');
    expect(sessionRows(dataDir)).toBe(0);
  }, 90_000);

  it('end 30 days after sign-in even when used every day', async () => {
    const { dataDir, password } = shared;
    const svc = await signedIn;
    const client = await signIn(svc.url, password);
    const day = 24 * 3600 * 1000;
    // As if signed in 29 days ago and used yesterday: still good.
    const db = new BetterSqlite3(path.join(dataDir, DB));
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE sessions SET created_at = ?, last_seen_at = ?').run(Date.now() - 29 * day, Date.now() - day);
    expect((await client.get('/runs')).status).toBe(200);
    // Signed in 30 days ago and used a minute ago (its sliding expiry still a week away): ended.
    db.prepare('UPDATE sessions SET created_at = ?, last_seen_at = ?, expires_at = ?').run(Date.now() - 30 * day - 1000, Date.now() - 60_000, Date.now() + 6 * day);
    db.close();
    expect((await client.get('/runs')).status).toBe(302);
  }, 60_000);

  it('"Sign out everywhere" ends every session, other browsers\' too', async () => {
    const { dataDir, password } = shared;
    const svc = await signedIn;
    const laptop = await signIn(svc.url, password, '127.0.0.1');
    const phone = await signIn(svc.url, password, '127.0.0.2');
    const page = await laptop.get('/runs');
    expect(page.text).toContain('formaction="/logout/everywhere"');
    const out = await laptop.post('/logout/everywhere', {});
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('/login');
    expect((await phone.get('/runs')).status).toBe(302);
    expect((await laptop.get('/runs')).status).toBe(302);
    expect(sessionRows(dataDir)).toBe(0);
  }, 60_000);

  it('two correct setup posts at once: one password, one session', async () => {
    const dataDir = notSetUpDir;
    const svc = await notSetUp;
    const code = /setup code is ([A-Z0-9]+)/.exec(await svc.waitForLine(/one-time setup code is/))![1]!;
    const a = new LoopbackClient(svc.url, '127.0.0.1');
    const b = new LoopbackClient(svc.url, '127.0.0.2');
    await a.get('/setup');
    await b.get('/setup');
    const [ra, rb] = await Promise.all([
      a.post('/setup', { setupCode: code, password: 'password of a', confirm: 'password of a' }),
      b.post('/setup', { setupCode: code, password: 'password of b', confirm: 'password of b' }),
    ]);
    const withSession = [ra, rb].filter((r) => r.setCookies.some((c) => c.startsWith('pts_session=') && !/max-age=0/i.test(c)));
    expect(withSession).toHaveLength(1);
    expect(sessionRows(dataDir)).toBe(1);
    // The one that won set the password; the other one's password does not sign in.
    const winner = withSession[0] === ra ? 'password of a' : 'password of b';
    const loser = winner === 'password of a' ? 'password of b' : 'password of a';
    const c = new LoopbackClient(svc.url, '127.0.0.3');
    await c.get('/login');
    expect((await c.post('/login', { password: loser })).status).toBe(401);
    expect((await c.post('/login', { password: winner })).status).toBe(302);
  }, 60_000);

  it('an https PUBLIC_URL makes the session and CSRF cookies Secure without X-Forwarded-Proto', async () => {
    const svc = await https;
    const c = new LoopbackClient(svc.url);
    const page = await c.get('/login');
    const csrf = page.setCookies.find((l) => l.startsWith('pts_csrf='));
    expect(csrf).toMatch(/;\s*Secure/i);
    const res = await c.post('/login', { password: 'secure cookie password' });
    expect(res.status).toBe(302);
    const session = res.setCookies.find((l) => l.startsWith('pts_session='));
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/HttpOnly/i);
  }, 60_000);
});
