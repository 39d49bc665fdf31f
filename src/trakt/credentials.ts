/**
 * The user's own Trakt app (client id and secret): the environment wins over what the
 * settings page stored; the secret is stored encrypted and registered for log scrubbing.
 */
import { deleteSetting, getSetting, setSetting } from '../db/repos/settings.js';
import type { Core } from '../core.js';

export const TRAKT_SETTING = {
  clientId: 'trakt.client_id',
  clientSecret: 'trakt.client_secret',
} as const;

export interface TraktAppCredentials {
  clientId?: string;
  clientSecret?: string;
  clientIdFromEnv: boolean;
  clientSecretFromEnv: boolean;
}

type CredDeps = Pick<Core, 'config' | 'db' | 'cipher' | 'secretRegistry'>;

export async function loadTraktApp(deps: CredDeps): Promise<TraktAppCredentials> {
  const { trakt } = deps.config;
  const storedId = trakt.clientId ? undefined : await getSetting<string>(deps.db, TRAKT_SETTING.clientId);
  let secret = trakt.clientSecret;
  if (!secret) {
    const sealed = await getSetting<string>(deps.db, TRAKT_SETTING.clientSecret);
    secret = sealed ? deps.cipher.decrypt(sealed) : undefined;
  }
  deps.secretRegistry.add(secret);
  return {
    clientId: trakt.clientId ?? storedId,
    clientSecret: secret,
    clientIdFromEnv: !!trakt.clientId,
    clientSecretFromEnv: !!trakt.clientSecret,
  };
}

/** Stores the values the environment does not set; `undefined` keeps what is stored. */
export async function saveTraktApp(deps: CredDeps, values: { clientId?: string; clientSecret?: string }): Promise<void> {
  const { trakt } = deps.config;
  if (values.clientId !== undefined && !trakt.clientId) await setSetting(deps.db, TRAKT_SETTING.clientId, values.clientId);
  if (values.clientSecret !== undefined && !trakt.clientSecret) {
    deps.secretRegistry.add(values.clientSecret);
    await setSetting(deps.db, TRAKT_SETTING.clientSecret, deps.cipher.encrypt(values.clientSecret));
  }
}

export async function forgetTraktApp(deps: CredDeps): Promise<void> {
  await deleteSetting(deps.db, TRAKT_SETTING.clientId);
  await deleteSetting(deps.db, TRAKT_SETTING.clientSecret);
}
