/**
 * The generated secrets (API key, webhook secret, session key) are sealed in the settings
 * table: created sealed, kept across starts, sealed in place when an older version stored
 * them in plain text, and made anew (with a warning) when the key file was replaced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecrets, SETTING } from '../../src/config/secrets.js';
import { loadConfig } from '../../src/config/env.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { getSetting, setSetting } from '../../src/db/repos/settings.js';
import { SecretRegistry } from '../../src/log/redact.js';
import { createCipher } from '../../src/security/crypto.js';
import { tempDir } from '../helpers/context.js';

let opened: ReturnType<typeof openDatabase> | undefined;
afterEach(() => opened?.close());

async function fresh() {
  const dir = tempDir();
  opened = openDatabase(dir);
  await migrateToLatest(opened.db);
  return { db: opened.db, config: loadConfig({ DATA_DIR: dir }) };
}
const cipher = createCipher(Buffer.alloc(32, 7));

describe('sealed generated secrets', () => {
  it('are created sealed and read back the same on the next start', async () => {
    const { db, config } = await fresh();
    const a = await loadSecrets(db, config, new SecretRegistry(), cipher);
    for (const key of [SETTING.apiKey, SETTING.webhookSecret, SETTING.sessionKey]) {
      const stored = (await getSetting<string>(db, key))!;
      expect(stored).toMatch(/^v1:/);
      expect(stored).not.toContain(a.apiKey());
      expect(stored).not.toContain(a.webhookSecret());
      expect(stored).not.toContain(a.sessionKey);
    }
    const b = await loadSecrets(db, config, new SecretRegistry(), cipher);
    expect([b.apiKey(), b.webhookSecret(), b.sessionKey]).toEqual([a.apiKey(), a.webhookSecret(), a.sessionKey]);
    const renewed = await b.regenerateApiKey();
    expect(await getSetting<string>(db, SETTING.apiKey)).toMatch(/^v1:/);
    expect((await loadSecrets(db, config, new SecretRegistry(), cipher)).apiKey()).toBe(renewed);
  });

  it('seal a plain-text value left by an older version, keeping it (the webhook URL Plex has still works)', async () => {
    const { db, config } = await fresh();
    await setSetting(db, SETTING.webhookSecret, 'plain-old-webhook-secret-123');
    const s = await loadSecrets(db, config, new SecretRegistry(), cipher);
    expect(s.webhookSecret()).toBe('plain-old-webhook-secret-123');
    const stored = (await getSetting<string>(db, SETTING.webhookSecret))!;
    expect(stored).toMatch(/^v1:/);
    expect(cipher.decrypt(stored)).toBe('plain-old-webhook-secret-123');
  });

  it('are made anew, and said so, when the key file no longer opens them', async () => {
    const { db, config } = await fresh();
    const a = await loadSecrets(db, config, new SecretRegistry(), cipher);
    const replaced: string[] = [];
    const b = await loadSecrets(db, config, new SecretRegistry(), createCipher(Buffer.alloc(32, 9)), (k) => replaced.push(k));
    expect(replaced.sort()).toEqual([SETTING.apiKey, SETTING.sessionKey, SETTING.webhookSecret].sort());
    expect(b.apiKey()).not.toBe(a.apiKey());
    expect(b.apiKey()).toHaveLength(a.apiKey().length);
  });
});
