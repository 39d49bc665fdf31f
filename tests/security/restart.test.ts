import { describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { createCipher, loadOrCreateKey } from '../../src/security/crypto.js';
import { startChildService } from '../helpers/child-service.js';
import { tempDir } from '../helpers/context.js';

describe('a killed service', () => {
  it('restarts on the same data directory with its secrets, and the database passes integrity_check', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, ADMIN_PASSWORD: 'restart-password' };
    const first = await startChildService(env);
    const key1 = await (await fetch(`${first.url}/healthz`)).json();
    expect(key1).toEqual({ status: 'ok' });
    const db1 = new BetterSqlite3(path.join(dataDir, 'plex-trakt-sync.db'), { readonly: true });
    const apiKey = (db1.prepare("select value from settings where key = 'secret.api_key'").get() as { value: string }).value;
    db1.close();
    expect(await first.kill('SIGKILL')).toBeNull();

    const second = await startChildService(env);
    // Sealed at rest: opened with the data directory's key file, it is the key the restarted service takes.
    expect(JSON.parse(apiKey)).toMatch(/^v1:/);
    const plain = createCipher(loadOrCreateKey(dataDir)).decrypt(JSON.parse(apiKey));
    const res = await fetch(`${second.url}/api/v1/status`, { headers: { 'x-api-key': plain } });
    expect(res.status).toBe(200);
    await second.kill('SIGTERM');
    const db = new BetterSqlite3(path.join(dataDir, 'plex-trakt-sync.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('stops within a few seconds on SIGTERM', async () => {
    const svc = await startChildService({ DATA_DIR: tempDir(), ADMIN_PASSWORD: 'restart-password' });
    const t0 = Date.now();
    const code = await svc.kill('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(svc.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
