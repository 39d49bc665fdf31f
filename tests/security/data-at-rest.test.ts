/**
 * What another user on the same machine could read: DATA_DIR is 0700 and the database
 * files 0600 (new, and tightened when an older install left them open); the one-time setup
 * code is printed to the terminal but never stored in the log table; a token planted in a
 * webhook payload is not in the stored payload.
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';
import { rawRequest } from '../helpers/loopback-client.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';

const SECRET = 'at-rest-webhook-secret';
const DB = 'plex-trakt-sync.db';
const services: ChildService[] = [];
afterAll(async () => {
  for (const s of services) await s.kill('SIGTERM');
});
const mode = (p: string) => fs.statSync(p).mode & 0o777;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('files in DATA_DIR', () => {
  it('a new DATA_DIR is 0700 and the database, -wal and -shm files 0600', async () => {
    const dataDir = path.join(tempDir('pts-rest-'), 'fresh', 'data');
    const svc = await startChildService({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'at-rest-password' });
    services.push(svc);
    await until(() => fs.existsSync(path.join(dataDir, `${DB}-wal`)), 'the WAL file');
    expect(mode(dataDir).toString(8)).toBe('700');
    for (const f of [DB, `${DB}-wal`, `${DB}-shm`, 'secret.key']) expect([f, mode(path.join(dataDir, f)).toString(8)]).toEqual([f, '600']);
    await svc.kill('SIGTERM');
  }, 60_000);

  it('an older install left 0755 and 0644: tightened on start', async () => {
    const dataDir = tempDir('pts-rest-old-');
    const first = await startChildService({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'at-rest-password' });
    await first.kill('SIGTERM');
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, DB), 0o644);
    const svc = await startChildService({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'at-rest-password' });
    services.push(svc);
    await until(() => fs.existsSync(path.join(dataDir, `${DB}-wal`)), 'the WAL file');
    expect(mode(dataDir).toString(8)).toBe('700');
    for (const f of [DB, `${DB}-wal`, `${DB}-shm`]) expect([f, mode(path.join(dataDir, f)).toString(8)]).toEqual([f, '600']);
  }, 60_000);
});

describe('what the database holds', () => {
  it('the setup code is on the terminal, not in the stored log; a planted token is not in a stored payload', async () => {
    const dataDir = tempDir('pts-rest-code-');
    const svc = await startChildService({ DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET });
    services.push(svc);
    const line = await svc.waitForLine(/one-time setup code is/);
    const code = /setup code is ([A-Z0-9]+)/.exec(line)![1]!;
    expect(code).toMatch(/^[A-Z0-9]{8}$/);

    const planted = 'PLANTEDplexTOKEN12345';
    const payload = modernMovie() as Record<string, any>;
    payload.Metadata.thumb = `http://192.0.2.1:32400/library/metadata/1/thumb?X-Plex-Token=${planted}`;
    payload.Player['X-Plex-Token'] = planted;
    payload.Server.token = planted;
    const res = await postMultipart(webhookUrl(svc.url, SECRET), payload);
    expect(res.status).toBe(200);
    const json = await rawRequest(`${svc.url}/webhooks/plex/${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...modernMovie({ ratingKey: '77' }), accessToken: planted }),
    });
    expect(json.status).toBe(200);
    await new Promise((r) => setTimeout(r, 700)); // the log store writes every 250 ms

    const db = new BetterSqlite3(path.join(dataDir, DB), { readonly: true });
    try {
      const logs = db.prepare('SELECT msg, data FROM logs').all() as Array<{ msg: string; data: string | null }>;
      expect(logs.length).toBeGreaterThan(0);
      expect(JSON.stringify(logs)).not.toContain(code);
      const payloads = db.prepare('SELECT payload FROM webhook_events').all() as Array<{ payload: string }>;
      expect(payloads).toHaveLength(2);
      for (const p of payloads) {
        expect(p.payload).not.toContain(planted);
        expect(() => JSON.parse(p.payload)).not.toThrow();
      }
      expect(JSON.parse(payloads[0]!.payload).Metadata.thumb).toContain('X-Plex-Token=[redacted]');
    } finally {
      db.close();
    }
  }, 60_000);
});
