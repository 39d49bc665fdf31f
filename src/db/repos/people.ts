/**
 * People (households): who is known, what plex.tv said about them, and their switches.
 * Sealed values (PIN, friend's server token) arrive sealed; opening them is the caller's job.
 */
import type { Db } from '../database.js';
import type { PersonKind, PersonRow, PlexAccess } from '../tables/people.js';

export const OWNER_ACCOUNT_ID = 1;

/** Someone seen in a webhook: added on first sight (webhooks on, no Trakt account), name kept fresh. */
export async function notePersonSeen(db: Db, plexAccountId: number, title: string | null, now = Date.now()): Promise<PersonRow> {
  const name = title?.trim() || `#${plexAccountId}`;
  const kind: PersonKind = plexAccountId === OWNER_ACCOUNT_ID ? 'owner' : 'friend';
  return db
    .insertInto('people')
    .values({ plex_account_id: plexAccountId, name, kind, last_seen_at: now, first_seen_at: now, updated_at: now })
    .onConflict((oc) => oc.column('plex_account_id').doUpdateSet({ last_seen_at: now, ...(title?.trim() ? { name } : {}) }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ListedPerson {
  plexAccountId: number;
  plexTvId: number | null;
  uuid: string | null;
  name: string;
  kind: PersonKind;
  protected: boolean;
  /** Sealed; undefined leaves the stored one. */
  sealedPlexToken?: string | null;
  plexAccess: PlexAccess;
  plexAccessNote: string | null;
}

/** What plex.tv lists (owner, Home users, friends): added, or refreshed without touching the switches or the Trakt account. */
export async function upsertListedPerson(db: Db, p: ListedPerson, now = Date.now()): Promise<void> {
  const facts = {
    plex_tv_id: p.plexTvId,
    uuid: p.uuid,
    name: p.name,
    kind: p.kind,
    protected: p.protected ? 1 : 0,
    plex_access: p.plexAccess,
    plex_access_note: p.plexAccessNote,
    listed_at: now,
    updated_at: now,
    ...(p.sealedPlexToken !== undefined ? { plex_token: p.sealedPlexToken } : {}),
  };
  await db
    .insertInto('people')
    .values({ plex_account_id: p.plexAccountId, first_seen_at: now, ...facts, webhooks: 1, sync: 1 })
    .onConflict((oc) => oc.column('plex_account_id').doUpdateSet(facts))
    .execute();
}

export async function getPerson(db: Db, plexAccountId: number): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('plex_account_id', '=', plexAccountId).executeTakeFirst();
}

/** Owner first, then Home users, then friends, each by name. */
export async function listPeople(db: Db): Promise<PersonRow[]> {
  const rows = await db.selectFrom('people').selectAll().orderBy('name').limit(500).execute();
  const rank: Record<PersonKind, number> = { owner: 0, home: 1, friend: 2 };
  return rows.sort((a, b) => rank[a.kind] - rank[b.kind]);
}

export interface PersonChange {
  webhooks?: boolean;
  sync?: boolean;
  /** null: no own Trakt account. */
  traktAccountId?: number | null;
  /** Sealed PIN (null forgets it). */
  sealedPin?: string | null;
  /** Sealed server token of this person (a Home user's, after the switch). */
  sealedPlexToken?: string | null;
  plexAccess?: PlexAccess;
  plexAccessNote?: string | null;
}

export async function updatePerson(db: Db, plexAccountId: number, ch: PersonChange, now = Date.now()): Promise<boolean> {
  const set: Record<string, unknown> = { updated_at: now };
  if (ch.webhooks !== undefined) set.webhooks = ch.webhooks ? 1 : 0;
  if (ch.sync !== undefined) set.sync = ch.sync ? 1 : 0;
  if (ch.traktAccountId !== undefined) set.trakt_account_id = ch.traktAccountId;
  if (ch.sealedPin !== undefined) set.pin = ch.sealedPin;
  if (ch.sealedPlexToken !== undefined) set.plex_token = ch.sealedPlexToken;
  if (ch.plexAccess !== undefined) set.plex_access = ch.plexAccess;
  if (ch.plexAccessNote !== undefined) set.plex_access_note = ch.plexAccessNote;
  const res = await db.updateTable('people').set(set).where('plex_account_id', '=', plexAccountId).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Trakt accounts that belong to someone other than the owner (the owner's default never falls to one of them). */
export async function traktAccountsOfOthers(db: Db): Promise<Set<number>> {
  const rows = await db
    .selectFrom('people')
    .select('trakt_account_id')
    .where('plex_account_id', '!=', OWNER_ACCOUNT_ID)
    .where('trakt_account_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.trakt_account_id!));
}
