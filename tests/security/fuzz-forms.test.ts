/**
 * Every state-changing dashboard route, fed malformed input by a signed-in browser:
 * no 5xx, no crash, and the service keeps serving; a body that is not a form (JSON, text,
 * binary) is refused with a 4xx before any handler reads it, so it stores nothing. Routes
 * are read from the app, so new forms are covered as they are added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { Fuzz, mulberry32 } from '../helpers/fuzz.js';
import { getSyncSettings } from '../../src/sync/settings.js';

const CASES_PER_ROUTE = 120;
/** Routes whose purpose is to end the session or reach outside services on any input. */
const SKIP = [/^\/logout(\/everywhere)?$/];

let t: TestContext;
let client: FormClient;
beforeAll(async () => {
  // Outside services point at a closed local port, so fuzzed "connect" buttons fail fast.
  const dead = 'http://127.0.0.1:9';
  t = await makeTestContext({
    ADMIN_PASSWORD: 'fuzz-password-1',
    TRAKT_API_URL: dead,
    TRAKT_OAUTH_URL: dead,
    PLEX_TV_URL: dead,
    TMDB_API_URL: dead,
  }, { loginThrottleMs: 0 });
  client = new FormClient(t.app);
  await client.get('/login');
  await client.post('/login', { password: 'fuzz-password-1' });
});
afterAll(async () => t?.close());

function unsafeRoutes() {
  const seen = new Set<string>();
  return t.app.routes
    .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !/^\/(webhooks|api)\//.test(r.path))
    .filter((r) => !SKIP.some((s) => s.test(r.path)))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`));
}

describe('fuzzing the dashboard forms', () => {
  it('answers malformed input with 4xx (or a handled page), never 5xx; a body that is not a form always with 4xx', async () => {
    const fuzz = new Fuzz(mulberry32(20261125));
    const failures: string[] = [];
    let cases = 0;
    for (const r of unsafeRoutes()) {
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const path = r.path.replace(/:[A-Za-z_]+/g, () => fuzz.pick(['1', '0', '-1', '999999999', 'abc', '%00', 'x'.repeat(300)]));
        const kind = fuzz.int(4);
        const headers: Record<string, string> = { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': client.csrf };
        let body: string | Uint8Array;
        if (kind === 0) {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = fuzz.formBody(['password', 'confirm', 'setupCode', 'url', 'token', 'clientId', 'clientSecret', 'apiKey', 'schedule', 'rating']);
        } else if (kind === 1) {
          headers['content-type'] = 'application/json';
          body = fuzz.pick(['{', '[]', 'null', '{"a":1}', fuzz.nastyString()]);
        } else if (kind === 2) {
          headers['content-type'] = `multipart/form-data; boundary=${fuzz.pick(['x', '', '----zz'])}`;
          body = fuzz.bytes(fuzz.int(2000));
        } else {
          headers['content-type'] = fuzz.pick(['text/plain', 'application/octet-stream', 'image/jpeg']);
          body = fuzz.bytes(fuzz.int(500));
        }
        const res = await t.app.request(`http://localhost${path}`, { method: r.method, headers, body, redirect: 'manual' });
        cases++;
        if (res.status >= 500) failures.push(`${r.method} ${path.slice(0, 60)} kind ${kind} → ${res.status}`);
        // Not a form at all: refused (415, or 403/404 for a path that does not exist), never acted on.
        if ((kind === 1 || kind === 3) && (res.status < 400 || res.status >= 500)) failures.push(`${r.method} ${path.slice(0, 60)} not a form (${headers['content-type']}) → ${res.status}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(cases).toBeGreaterThan(0);
    // Still serving, still signed in.
    expect((await client.get('/')).status).toBe(200);
    expect((await t.app.request('/healthz')).status).toBe(200);
  });

  it('a JSON or text body cannot pass for an empty form: sync settings stay as they were', async () => {
    // The page's own form saves (and sets what an empty form would turn off).
    const saved = await client.post('/settings/sync', { toTrakt: '1', toPlex: '1', ratings: '1', scheduleMode: 'off' });
    expect(saved.status).toBeLessThan(400);
    const before = await getSyncSettings(t.deps.db);
    expect(before).toMatchObject({ toTrakt: true, toPlex: true, ratings: true });
    for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
      const headers = { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': client.csrf, 'content-type': type };
      const res = await t.app.request('http://localhost/settings/sync', { method: 'POST', headers, body: type === 'application/json' ? '{}' : '' });
      expect(res.status).toBe(415);
      expect(await res.text()).toContain('takes a form');
    }
    expect(await getSyncSettings(t.deps.db)).toEqual(before);
  });

  it('stores nothing from malformed first-run forms', async () => {
    const fresh = await makeTestContext();
    try {
      const c = new FormClient(fresh.app);
      await c.get('/setup');
      const fuzz = new Fuzz(mulberry32(7));
      for (let i = 0; i < 300; i++) {
        const res = await fresh.app.request('http://localhost/setup', {
          method: 'POST',
          headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': c.csrf, 'content-type': 'application/x-www-form-urlencoded' },
          body: fuzz.formBody(['password', 'confirm', 'setupCode']),
          redirect: 'manual',
        });
        expect(res.status).toBeLessThan(500);
        expect(res.status).not.toBe(302);
      }
      const hash = fresh.deps.sqlite.prepare("select count(*) n from settings where key = 'auth.password_hash'").get() as { n: number };
      expect(hash.n).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
