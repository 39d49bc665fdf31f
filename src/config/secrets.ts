/**
 * Generated secrets (API key, webhook secret, session key) and the admin password
 * hash, kept in the settings table and created on first start. The generated secrets
 * are sealed with the data directory's key (like credentials), so the database file
 * alone does not give them away; a value stored in plain text by an older version is
 * sealed on the next start. An environment variable wins over the stored value and
 * cannot be regenerated from the UI.
 */
import type { Db } from '../db/database.js';
import { getOrCreateSetting, getSetting, setSetting } from '../db/repos/settings.js';
import { randomToken } from '../security/password.js';
import type { SecretRegistry } from '../log/redact.js';
import type { Cipher } from '../security/crypto.js';
import type { Config } from './env.js';

export const SETTING = {
  apiKey: 'secret.api_key',
  webhookSecret: 'secret.webhook_secret',
  sessionKey: 'secret.session_key',
  passwordHash: 'auth.password_hash',
} as const;

export interface Secrets {
  apiKey(): string;
  webhookSecret(): string;
  readonly sessionKey: string;
  readonly apiKeyFromEnv: boolean;
  readonly webhookSecretFromEnv: boolean;
  regenerateApiKey(): Promise<string>;
  regenerateWebhookSecret(): Promise<string>;
}

const SEALED = /^v\d+:/;

/**
 * A generated secret from the settings table, sealed at rest: created (sealed) when missing,
 * sealed in place when an older version left it in plain text, made anew (`onReplaced`) when
 * it cannot be opened because the data directory's key file was replaced.
 */
async function storedSecret(db: Db, cipher: Cipher, key: string, bytes: number, onReplaced: (key: string) => void): Promise<string> {
  const stored = await getOrCreateSetting(db, key, () => cipher.encrypt(randomToken(bytes)));
  if (!SEALED.test(stored)) {
    await setSetting(db, key, cipher.encrypt(stored));
    return stored;
  }
  try {
    return cipher.decrypt(stored);
  } catch {
    const fresh = randomToken(bytes);
    await setSetting(db, key, cipher.encrypt(fresh));
    onReplaced(key);
    return fresh;
  }
}

export async function loadSecrets(db: Db, config: Config, registry: SecretRegistry, cipher: Cipher, onReplaced: (key: string) => void = () => undefined): Promise<Secrets> {
  const secret = (key: string, bytes: number) => storedSecret(db, cipher, key, bytes, onReplaced);
  let apiKey = config.apiKey ?? (await secret(SETTING.apiKey, 24));
  let webhookSecret = config.webhookSecret ?? (await secret(SETTING.webhookSecret, 18));
  const sessionKey = await secret(SETTING.sessionKey, 32);
  for (const v of [apiKey, webhookSecret, sessionKey, config.adminPassword]) registry.add(v);

  const regenerate = async (key: string, fromEnv: boolean, name: string) => {
    if (fromEnv) throw new Error(`${name} is set in the environment; change it there`);
    const v = randomToken(key === SETTING.apiKey ? 24 : 18);
    await setSetting(db, key, cipher.encrypt(v));
    registry.add(v);
    return v;
  };
  return {
    apiKey: () => apiKey,
    webhookSecret: () => webhookSecret,
    sessionKey,
    apiKeyFromEnv: !!config.apiKey,
    webhookSecretFromEnv: !!config.webhookSecret,
    async regenerateApiKey() {
      apiKey = await regenerate(SETTING.apiKey, !!config.apiKey, 'API_KEY');
      return apiKey;
    },
    async regenerateWebhookSecret() {
      webhookSecret = await regenerate(SETTING.webhookSecret, !!config.webhookSecret, 'WEBHOOK_SECRET');
      return webhookSecret;
    },
  };
}

export async function getPasswordHash(db: Db): Promise<string | undefined> {
  return getSetting<string>(db, SETTING.passwordHash);
}

export async function setPasswordHash(db: Db, hash: string): Promise<void> {
  await setSetting(db, SETTING.passwordHash, hash);
}

/** Stores the first password hash; false when one was stored first (two setups at once: one wins). */
export async function setPasswordHashIfUnset(db: Db, hash: string, now = Date.now()): Promise<boolean> {
  const res = await db
    .insertInto('settings')
    .values({ key: SETTING.passwordHash, value: JSON.stringify(hash), updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}
