/**
 * Connecting a person's own Trakt account: the same device-code login as the owner's (one
 * Trakt app for everyone), then the account is given to that person. The CLI runs the whole
 * flow; the settings page polls step by step and calls `finishPersonLogin`.
 */
import { defaultTraktAccount } from '../db/repos/trakt-accounts.js';
import type { TraktAccount, TraktTokenPair } from '../db/repos/trakt-accounts.js';
import { disconnectTraktAccount } from '../trakt/accounts.js';
import { completeDeviceLogin, runDeviceLogin, type DeviceLoginDeps, type RunDeviceLoginOptions } from '../trakt/device-auth.js';
import { TraktAuthError } from '../trakt/errors.js';
import type { PeopleService } from './service.js';

export type PersonLoginDeps = DeviceLoginDeps & { people: PeopleService };

async function assign(deps: PersonLoginDeps, plexAccountId: number, ownersBefore: number | null, account: TraktAccount): Promise<TraktAccount> {
  const refused = await deps.people.assignTrakt(plexAccountId, account.id, ownersBefore);
  if (refused) throw new TraktAuthError(refused);
  return account;
}

/** The settings page's last step: store the tokens Trakt gave, then give the account to the person. */
export async function finishPersonLogin(deps: PersonLoginDeps, plexAccountId: number, clientId: string, tokens: TraktTokenPair): Promise<TraktAccount> {
  const ownersBefore = (await defaultTraktAccount(deps.db))?.id ?? null;
  return assign(deps, plexAccountId, ownersBefore, await completeDeviceLogin(deps, clientId, tokens));
}

/** `login trakt --person`: the whole device-code flow in a terminal for one person. */
export async function runPersonLogin(deps: PersonLoginDeps, plexAccountId: number, o: RunDeviceLoginOptions): Promise<TraktAccount> {
  const ownersBefore = (await defaultTraktAccount(deps.db))?.id ?? null;
  return assign(deps, plexAccountId, ownersBefore, await runDeviceLogin(deps, o));
}

/** Disconnect from a person's row: revoke their tokens at Trakt and forget which account was theirs. */
export async function disconnectPerson(deps: PersonLoginDeps, plexAccountId: number): Promise<{ note?: string } | null> {
  const id = await deps.people.unassignTrakt(plexAccountId);
  if (id === null) return null;
  const r = await disconnectTraktAccount(deps, id);
  return { note: r.note };
}
