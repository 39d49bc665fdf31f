/** Plex accounts, the chosen server and its library selection. Tokens arrive and leave sealed. */
import type { Db } from '../database.js';
import type { PlexAccountRow, PlexLibrarySectionRow, PlexServerRow } from '../tables/plex.js';

export interface PlexAccountInput {
  plexUserId: number;
  username: string;
  title?: string | null;
  /** Sealed with deps.cipher. */
  sealedToken: string | null;
  isOwner: boolean;
}

/** Adds or updates the account by its plex.tv id; returns the row id. */
export async function upsertPlexAccount(db: Db, a: PlexAccountInput, now = Date.now()): Promise<number> {
  const values = { username: a.username, title: a.title ?? null, token: a.sealedToken, is_owner: a.isOwner ? 1 : 0, updated_at: now };
  const row = await db
    .insertInto('plex_accounts')
    .values({ plex_user_id: a.plexUserId, created_at: now, ...values })
    .onConflict((oc) => oc.column('plex_user_id').doUpdateSet(values))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function getPlexAccount(db: Db, id: number): Promise<PlexAccountRow | undefined> {
  return db.selectFrom('plex_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The signed-in server owner (the account whose events map to the connected Trakt account). */
export async function getPlexOwner(db: Db): Promise<PlexAccountRow | undefined> {
  return db.selectFrom('plex_accounts').selectAll().where('is_owner', '=', 1).where('token', 'is not', null).orderBy('updated_at', 'desc').executeTakeFirst();
}

export async function listPlexAccounts(db: Db): Promise<PlexAccountRow[]> {
  return db.selectFrom('plex_accounts').selectAll().orderBy('id').execute();
}

export interface PlexServerInput {
  name: string;
  machineIdentifier: string;
  url: string;
  /** Sealed with deps.cipher. */
  sealedAccessToken: string;
  accountId: number | null;
  source: 'pin' | 'manual' | 'env';
  version?: string | null;
}

/** Makes this server the chosen one (by machine identifier); returns its row id. */
export async function saveSelectedServer(db: Db, s: PlexServerInput, now = Date.now()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('plex_servers').set({ selected: 0 }).where('selected', '=', 1).where('machine_identifier', '!=', s.machineIdentifier).execute();
    const values = {
      name: s.name,
      url: s.url,
      access_token: s.sealedAccessToken,
      account_id: s.accountId,
      source: s.source,
      version: s.version ?? null,
      selected: 1,
      updated_at: now,
    };
    const row = await trx
      .insertInto('plex_servers')
      .values({ machine_identifier: s.machineIdentifier, created_at: now, ...values })
      .onConflict((oc) => oc.column('machine_identifier').doUpdateSet(values))
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

export async function getSelectedServer(db: Db): Promise<PlexServerRow | undefined> {
  return db.selectFrom('plex_servers').selectAll().where('selected', '=', 1).executeTakeFirst();
}

/** Forgets the server connection and every Plex token (rows stay for history; tokens go). */
export async function disconnectPlex(db: Db, now = Date.now()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('plex_servers').execute();
    await trx.updateTable('plex_accounts').set({ token: null, updated_at: now }).execute();
  });
}

export interface SectionChoice {
  key: string;
  title: string;
  type: string;
  selected: boolean;
}

/** Stores the ticked and unticked sections of a server (the whole list, replacing the previous one). */
export async function saveSectionSelection(db: Db, serverId: number, sections: SectionChoice[], now = Date.now()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('plex_library_sections').where('server_id', '=', serverId).execute();
    if (!sections.length) return;
    await trx
      .insertInto('plex_library_sections')
      .values(sections.map((s) => ({ server_id: serverId, section_key: s.key, title: s.title, type: s.type, selected: s.selected ? 1 : 0, updated_at: now })))
      .execute();
  });
}

export async function listSectionSelection(db: Db, serverId: number): Promise<PlexLibrarySectionRow[]> {
  return db.selectFrom('plex_library_sections').selectAll().where('server_id', '=', serverId).orderBy('title').execute();
}
