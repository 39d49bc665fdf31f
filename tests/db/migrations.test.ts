import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type OpenedDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { getOrCreateSetting, getSetting, setSetting } from '../../src/db/repos/settings.js';
import { readLease, tryAcquireLease } from '../../src/db/repos/locks.js';
import { createCipher, loadOrCreateKey } from '../../src/security/crypto.js';
import { migrations } from '../../migrations/index.js';
import { tempDir } from '../helpers/context.js';

let opened: OpenedDb | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

describe('database', () => {
  it('migrates an empty database to the latest schema, once', async () => {
    opened = openDatabase(tempDir());
    const applied = await migrateToLatest(opened.db);
    expect(applied).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(opened.db)).toEqual([]);
    const tables = opened.sqlite.prepare("select name from sqlite_master where type='table'").all().map((r: any) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['settings', 'sessions', 'locks', 'logs']));
    expect(opened.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(opened.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('stores settings as JSON and creates a value only once', async () => {
    opened = openDatabase(tempDir());
    await migrateToLatest(opened.db);
    await setSetting(opened.db, 'a', { x: 1 });
    expect(await getSetting(opened.db, 'a')).toEqual({ x: 1 });
    expect(await getOrCreateSetting(opened.db, 'b', () => 'first')).toBe('first');
    expect(await getOrCreateSetting(opened.db, 'b', () => 'second')).toBe('first');
  });

  it('grants a lease to one owner at a time and lets a lapsed one be taken over', async () => {
    opened = openDatabase(tempDir());
    await migrateToLatest(opened.db);
    const t0 = 1_000_000;
    const a = await tryAcquireLease(opened.db, 'sync', 'a', 60_000, t0);
    expect(a).toBeDefined();
    expect(await tryAcquireLease(opened.db, 'sync', 'b', 60_000, t0 + 1000)).toBeUndefined();
    const b = await tryAcquireLease(opened.db, 'sync', 'b', 60_000, t0 + 61_000);
    expect(b).toBeDefined();
    expect((await readLease(opened.db, 'sync'))?.owner).toBe('b');
    expect(await a!.renew()).toBe(false); // a lost it
    await b!.release();
    expect(await readLease(opened.db, 'sync')).toBeUndefined();
  });

  it('keeps the credential key in a mode-600 file and encrypts with it', () => {
    const dir = tempDir();
    const key = loadOrCreateKey(dir);
    expect(loadOrCreateKey(dir).equals(key)).toBe(true);
    const mode = fs.statSync(path.join(dir, 'secret.key')).mode & 0o777;
    expect(mode).toBe(0o600);
    const cipher = createCipher(key);
    const sealed = cipher.encrypt('refresh-token-123');
    expect(sealed).not.toContain('refresh-token-123');
    expect(cipher.decrypt(sealed)).toBe('refresh-token-123');
    const other = createCipher(Buffer.alloc(32, 1));
    expect(() => other.decrypt(sealed)).toThrow();
  });
});
