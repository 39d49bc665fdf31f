/**
 * A malformed Origin header is refused like a foreign one (403), never a 500 with a stack
 * trace stored in the log; and a line that anyone with a request can cause again and again
 * is stored at most once a minute (the rest become one "repeated N times" row).
 */
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogStore } from '../../src/log/store.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';
import { LoopbackClient, rawRequest } from '../helpers/loopback-client.js';

const SECRET = 'origin-test-webhook-secret';
const PASSWORD = 'origin-test-password';
let svc: ChildService;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir('pts-origin-');
  svc = await startChildService({ DATA_DIR: dataDir, ADMIN_PASSWORD: PASSWORD, WEBHOOK_SECRET: SECRET });
}, 60_000);
afterAll(async () => svc?.kill('SIGTERM'));

/** Log rows the service stored (after its batch of 250 ms is written). */
async function storedRows(where: string): Promise<Array<{ level: number; msg: string; data: string | null }>> {
  await new Promise((r) => setTimeout(r, 700));
  const db = new BetterSqlite3(path.join(dataDir, 'plex-trakt-sync.db'), { readonly: true });
  try {
    return db.prepare(`SELECT level, msg, data FROM logs WHERE ${where}`).all() as Array<{ level: number; msg: string; data: string | null }>;
  } finally {
    db.close();
  }
}

describe('a bad Origin header', () => {
  it('is a 403 for a signed-in browser and stores no log line, however often it is sent', async () => {
    const client = new LoopbackClient(svc.url);
    await client.get('/login');
    expect((await client.post('/login', { password: PASSWORD })).status).toBe(302);
    await client.get('/runs');
    const origins = ['x', 'http://[', '::', 'http://exa mple', '%'];
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const res = await client.post('/settings/sync', { schedule: 'off' }, { headers: { origin: origins[i % origins.length]! } });
      statuses.push(res.status);
    }
    expect(new Set(statuses)).toEqual(new Set([403]));
    const errors = await storedRows("level >= 50 OR msg = 'request failed'");
    expect(errors).toHaveLength(0);
    // Still a 403 without a session too (refused before anything else).
    const anon = await rawRequest(`${svc.url}/login`, { method: 'POST', headers: { origin: 'x', 'content-type': 'application/x-www-form-urlencoded', cookie: `pts_csrf=${client.csrf}` }, body: `_csrf=${client.csrf}&password=a` });
    expect(anon.status).toBe(403);
  }, 120_000);
});

describe('repeated log lines', () => {
  it('a warning anyone holding the webhook URL can cause 200 times is stored once', async () => {
    for (let i = 0; i < 200; i++) {
      const res = await rawRequest(`${svc.url}/webhooks/plex/${SECRET}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event": ' });
      expect(res.status).toBe(400);
    }
    const rows = await storedRows("msg LIKE 'webhook refused%'");
    expect(rows).toHaveLength(1);
    // Every one still reached the terminal (docker logs), which the database does not keep.
    expect(svc.lines.filter((l) => l.includes('"msg":"webhook refused"')).length).toBe(200);
  }, 120_000);

  it('the held-back lines become one "repeated N times" row when the minute is over, and a run\'s own lines are never folded', async () => {
    const { db, sqlite, close } = openDatabase(tempDir('pts-fold-'));
    await migrateToLatest(db);
    const store = createLogStore(sqlite, { foldMs: 200, flushMs: 60_000 });
    const line = (o: Record<string, unknown>) => store.stream.write(`${JSON.stringify({ level: 40, time: Date.now(), component: 'web', msg: 'static asset missing', ...o })}\n`);
    for (let i = 0; i < 50; i++) line({ asset: `a${i}` });
    for (let i = 0; i < 5; i++) line({ runId: 7, msg: 'run line' });
    line({ level: 30, msg: 'info line' });
    line({ level: 30, msg: 'info line' });
    await new Promise((r) => setTimeout(r, 20));
    store.flush();
    const count = (msg: string) => (sqlite.prepare('SELECT count(*) AS n FROM logs WHERE msg LIKE ?').get(msg) as { n: number }).n;
    expect(count('static asset missing')).toBe(1);
    expect(count('run line')).toBe(5);
    expect(count('info line')).toBe(2);
    await new Promise((r) => setTimeout(r, 250));
    store.flush();
    expect(count('static asset missing (repeated 49 more times in the last minute)')).toBe(1);
    // The next window has begun with that summary: a new repeat right away is held back again.
    line({});
    store.flush();
    expect(count('static asset missing%')).toBe(2);
    store.close();
    await close();
  });
});
