/**
 * Generated secrets (API key, webhook secret, session key) and the admin password
 * hash, kept in the settings table and created on first start. An environment
 * variable wins over the stored value and cannot be regenerated from the UI.
 */
import type { Db } from '../db/database.js';
import { getOrCreateSetting, getSetting, setSetting } from '../db/repos/settings.js';
import { randomToken } from '../security/password.js';
import type { SecretRegistry } from '../log/redact.js';
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

export async function loadSecrets(db: Db, config: Config, registry: SecretRegistry): Promise<Secrets> {
  let apiKey = config.apiKey ?? (await getOrCreateSetting(db, SETTING.apiKey, () => randomToken(24)));
  let webhookSecret = config.webhookSecret ?? (await getOrCreateSetting(db, SETTING.webhookSecret, () => randomToken(18)));
  const sessionKey = await getOrCreateSetting(db, SETTING.sessionKey, () => randomToken(32));
  for (const v of [apiKey, webhookSecret, sessionKey, config.adminPassword]) registry.add(v);

  const regenerate = async (key: string, fromEnv: boolean, name: string) => {
    if (fromEnv) throw new Error(`${name} is set in the environment; change it there`);
    const v = randomToken(key === SETTING.apiKey ? 24 : 18);
    await setSetting(db, key, v);
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
