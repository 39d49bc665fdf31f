/**
 * Sessions belong to the password they were opened with: a keyed fingerprint of the current
 * password (ADMIN_PASSWORD, else the stored hash) is kept in settings, and when the server
 * starts with a different one every session ends. Only `serve` checks (a CLI command run from
 * a shell without ADMIN_PASSWORD must not sign everyone out).
 */
import crypto from 'node:crypto';
import type { Db } from '../db/database.js';
import { deleteAllSessions } from '../db/repos/sessions.js';
import { getSetting, setSetting } from '../db/repos/settings.js';
import type { Config } from './env.js';
import { getPasswordHash } from './secrets.js';

const FINGERPRINT = 'auth.password_fingerprint';

async function fingerprint(db: Db, config: Config, sessionKey: string): Promise<string> {
  const current = config.adminPassword !== undefined ? `env:${config.adminPassword}` : `hash:${(await getPasswordHash(db)) ?? ''}`;
  return crypto.createHmac('sha256', sessionKey).update(current).digest('hex');
}

/** Records the current password's fingerprint (after setup stored the first hash). */
export async function rememberPassword(db: Db, config: Config, sessionKey: string): Promise<void> {
  await setSetting(db, FINGERPRINT, await fingerprint(db, config, sessionKey));
}

/** Ends every session when the password differs from the one last recorded; returns how many ended. */
export async function endSessionsIfPasswordChanged(db: Db, config: Config, sessionKey: string): Promise<number> {
  const now = await fingerprint(db, config, sessionKey);
  const before = await getSetting<string>(db, FINGERPRINT);
  let ended = 0;
  if (before !== undefined && before !== now) ended = await deleteAllSessions(db);
  if (before !== now) await setSetting(db, FINGERPRINT, now);
  return ended;
}
