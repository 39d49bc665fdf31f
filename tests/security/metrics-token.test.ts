/**
 * With METRICS_TOKEN set, /metrics answers only a scrape that sends it as a bearer token
 * (the counters right after a play say what is being watched); /healthz stays open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';

const TOKEN = 'metrics-bearer-token-0123456789';
let svc: ChildService;
beforeAll(async () => {
  svc = await startChildService({ DATA_DIR: tempDir('pts-metrics-token-'), ADMIN_PASSWORD: 'metrics-password', METRICS_TOKEN: TOKEN });
}, 60_000);
afterAll(async () => svc?.kill('SIGTERM'));

describe('METRICS_TOKEN', () => {
  it('refuses a scrape without the token or with a wrong one, with a sentence', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`, TOKEN]) {
      const res = await fetch(`${svc.url}/metrics`, { headers: authorization ? { authorization } : {} });
      const text = await res.text();
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(text).toContain('METRICS_TOKEN');
      expect(text).not.toContain('pts_');
    }
  });

  it('answers the scrape that sends it', async () => {
    const res = await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE pts_');
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    expect(svc.lines.join('\n')).not.toContain(TOKEN);
  });
});
