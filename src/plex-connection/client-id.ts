/** The X-Plex-Client-Identifier of this install: generated once, kept in settings, shared by server and CLI. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.js';
import { getOrCreateSetting } from '../db/repos/settings.js';

export const CLIENT_ID_SETTING = 'plex.client_identifier';

export async function plexClientIdentifier(db: Db): Promise<string> {
  return getOrCreateSetting(db, CLIENT_ID_SETTING, () => `plex-trakt-sync-${randomUUID()}`);
}
