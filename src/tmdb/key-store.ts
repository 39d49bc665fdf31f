/** The TMDB key (v3 API key or v4 read token): the environment wins, else the encrypted setting. */
import type { Core } from '../core.js';
import { getSetting, setSetting } from '../db/repos/settings.js';

export const TMDB_SETTING = 'tmdb.api_key';

type KeyDeps = Pick<Core, 'config' | 'db' | 'cipher' | 'secretRegistry'>;

export async function loadTmdbApiKey(deps: KeyDeps): Promise<{ key?: string; fromEnv: boolean }> {
  if (deps.config.tmdb.apiKey) return { key: deps.config.tmdb.apiKey, fromEnv: true };
  const sealed = await getSetting<string>(deps.db, TMDB_SETTING);
  const key = sealed ? deps.cipher.decrypt(sealed) : undefined;
  deps.secretRegistry.add(key);
  return { key, fromEnv: false };
}

export async function saveTmdbApiKey(deps: KeyDeps, key: string): Promise<void> {
  deps.secretRegistry.add(key);
  await setSetting(deps.db, TMDB_SETTING, deps.cipher.encrypt(key));
}

