/**
 * Whose Trakt account is whose, for what is shown per person (the History page's picker, its
 * export, the Unmatched page, the dashboard): each person with a linked Trakt account (their
 * own; the server owner without one has the connected, default account). A disconnected
 * account is nobody's here, so its kept mirror is not shown.
 */
import type { Db } from '../db/database.js';
import { listPeople, OWNER_ACCOUNT_ID } from '../db/repos/people.js';
import { getPlexOwner } from '../db/repos/plex.js';
import { defaultTraktAccount, listTraktAccounts } from '../db/repos/trakt-accounts.js';
import type { TraktAccountStatus } from '../db/tables/trakt.js';
import type { PersonKind } from '../db/tables/people.js';

export interface PersonWithTrakt {
  plexAccountId: number;
  name: string;
  kind: PersonKind;
  traktAccountId: number;
  traktUsername: string;
  traktStatus: TraktAccountStatus;
}

/** Owner first, then Home users, then friends (each by name): only people with a linked Trakt account. */
export async function peopleWithTrakt(db: Db): Promise<PersonWithTrakt[]> {
  const [rows, accounts, fallback] = await Promise.all([listPeople(db), listTraktAccounts(db), defaultTraktAccount(db)]);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const out: PersonWithTrakt[] = [];
  for (const r of rows) {
    const own = r.trakt_account_id !== null ? byId.get(r.trakt_account_id) : undefined;
    const account = own ?? (r.kind === 'owner' ? fallback : undefined);
    if (!account) continue;
    out.push({ plexAccountId: r.plex_account_id, name: r.name, kind: r.kind, traktAccountId: account.id, traktUsername: account.username, traktStatus: account.status });
  }
  // Before plex.tv was read (or with PLEX_TOKEN alone) there may be no owner row: the connected account is still theirs.
  if (fallback && !rows.some((r) => r.plex_account_id === OWNER_ACCOUNT_ID)) {
    const plexOwner = await getPlexOwner(db);
    out.unshift({ plexAccountId: OWNER_ACCOUNT_ID, name: plexOwner?.username ?? 'Server owner', kind: 'owner', traktAccountId: fallback.id, traktUsername: fallback.username, traktStatus: fallback.status });
  }
  return out;
}

export type PickedPerson = { person: PersonWithTrakt; people: PersonWithTrakt[] } | { problem: string; status: 404; people: PersonWithTrakt[] };

/**
 * The person a page asked for (`?person=<plexAccountId>`), or by default the owner (the
 * signed-in admin), else the first person with a Trakt account. A person not known, or known
 * without a Trakt account, is a sentence that says what to do.
 */
export async function pickPerson(db: Db, asked: string | undefined): Promise<PickedPerson | { none: true; people: [] }> {
  const people = await peopleWithTrakt(db);
  if (asked === undefined || asked === '') {
    const person = people.find((p) => p.plexAccountId === OWNER_ACCOUNT_ID) ?? people[0];
    return person ? { person, people } : { none: true, people: [] };
  }
  const id = /^\d{1,15}$/.test(asked) ? Number(asked) : NaN;
  const person = people.find((p) => p.plexAccountId === id);
  if (person) return { person, people };
  const known = Number.isFinite(id) ? (await listPeople(db)).find((r) => r.plex_account_id === id) : undefined;
  const problem = known
    ? `${known.name} has no Trakt account, so there is no history to show: connect one for them in Settings → People, or pick someone else.`
    : `Nobody in the household has the Plex account "${asked.slice(0, 40)}": pick a person from the list, or read the household again in Settings → People.`;
  return { problem, status: 404, people };
}

/** The person whose Trakt account this is (each linked account belongs to one person). */
export function personOfAccount(people: PersonWithTrakt[], traktAccountId: number): PersonWithTrakt | undefined {
  return people.find((p) => p.traktAccountId === traktAccountId);
}
