/**
 * Trakt accounts and their tokens. Tokens are sealed with the cipher on the way in and
 * opened on the way out, here and nowhere else, so no other module handles sealed text.
 */
import type { Cipher } from '../../security/crypto.js';
import type { Db } from '../database.js';
import { traktAccountsOfOthers } from './people.js';
import type { TraktAccountRow, TraktAccountStatus } from '../tables/trakt.js';

export interface TraktTokenPair {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when Trakt issued the pair. */
  createdAt: number;
  /** Epoch ms: createdAt + expires_in. */
  expiresAt: number;
}

export interface StoredTokens extends TraktTokenPair {
  accountId: number;
  clientId: string;
  version: number;
  status: TraktAccountStatus;
}

/** The account's public face: never the tokens. */
export interface TraktAccount {
  id: number;
  username: string;
  slug: string;
  name: string | null;
  vip: boolean;
  clientId: string;
  status: TraktAccountStatus;
  expiresAt: number | null;
  lastError: string | null;
  connectedAt: number;
  updatedAt: number;
}

function toAccount(r: TraktAccountRow): TraktAccount {
  return {
    id: r.id,
    username: r.username,
    slug: r.slug,
    name: r.name,
    vip: r.vip === 1,
    clientId: r.client_id,
    status: r.status,
    expiresAt: r.expires_at,
    lastError: r.last_error,
    connectedAt: r.connected_at,
    updatedAt: r.updated_at,
  };
}

export interface ConnectedUser {
  username: string;
  slug: string;
  name?: string | null;
  vip?: boolean;
}

/** Stores a fresh login: a new row, or the same Trakt user's row (by slug) brought back to connected. */
export async function saveConnectedAccount(
  db: Db,
  cipher: Cipher,
  user: ConnectedUser,
  clientId: string,
  tokens: TraktTokenPair,
  now = Date.now(),
): Promise<TraktAccount> {
  const sealed = {
    username: user.username,
    name: user.name ?? null,
    vip: user.vip ? 1 : 0,
    client_id: clientId,
    access_token: cipher.encrypt(tokens.accessToken),
    refresh_token: cipher.encrypt(tokens.refreshToken),
    token_created_at: tokens.createdAt,
    expires_at: tokens.expiresAt,
    status: 'connected' as const,
    last_error: null,
    updated_at: now,
  };
  await db
    .insertInto('trakt_accounts')
    .values({ ...sealed, slug: user.slug, token_version: 1, connected_at: now })
    .onConflict((oc) =>
      oc.column('slug').doUpdateSet((eb) => ({ ...sealed, connected_at: now, token_version: eb('trakt_accounts.token_version', '+', 1) })),
    )
    .execute();
  const row = await db.selectFrom('trakt_accounts').selectAll().where('slug', '=', user.slug).executeTakeFirstOrThrow();
  return toAccount(row);
}

export async function getTraktAccount(db: Db, id: number): Promise<TraktAccount | undefined> {
  const row = await db.selectFrom('trakt_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

/** Every account that is not disconnected, oldest first (the first is the default one). */
export async function listTraktAccounts(db: Db, opts: { includeDisconnected?: boolean } = {}): Promise<TraktAccount[]> {
  let q = db.selectFrom('trakt_accounts').selectAll().orderBy('id');
  if (!opts.includeDisconnected) q = q.where('status', '!=', 'disconnected');
  return (await q.execute()).map(toAccount);
}

/**
 * The account the page shows and the owner's webhooks and sync go to: the oldest one still
 * linked that is not another person's own (a household member's account never becomes the owner's).
 */
export async function defaultTraktAccount(db: Db): Promise<TraktAccount | undefined> {
  const others = await traktAccountsOfOthers(db);
  return (await listTraktAccounts(db)).find((a) => !others.has(a.id));
}

/** The stored pair, decrypted; undefined when the account has none (disconnected or unknown). */
export async function readTokens(db: Db, cipher: Cipher, id: number): Promise<StoredTokens | undefined> {
  const r = await db.selectFrom('trakt_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !r.access_token || !r.refresh_token) return undefined;
  return {
    accountId: r.id,
    clientId: r.client_id,
    accessToken: cipher.decrypt(r.access_token),
    refreshToken: cipher.decrypt(r.refresh_token),
    createdAt: r.token_created_at ?? 0,
    expiresAt: r.expires_at ?? 0,
    version: r.token_version,
    status: r.status,
  };
}

/**
 * Replaces the pair in one statement, only if nobody stored a newer one since `version`
 * was read. Returns the new version, or undefined when the compare failed.
 */
export async function storeRefreshedTokens(db: Db, cipher: Cipher, id: number, version: number, tokens: TraktTokenPair, now = Date.now()): Promise<number | undefined> {
  const res = await db
    .updateTable('trakt_accounts')
    .set({
      access_token: cipher.encrypt(tokens.accessToken),
      refresh_token: cipher.encrypt(tokens.refreshToken),
      token_created_at: tokens.createdAt,
      expires_at: tokens.expiresAt,
      token_version: version + 1,
      status: 'connected',
      last_error: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('token_version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? version + 1 : undefined;
}

/** Trakt refused the refresh token: the account must sign in again. Tokens and data stay. */
export async function markNeedsLogin(db: Db, id: number, reason: string, now = Date.now()): Promise<void> {
  await db.updateTable('trakt_accounts').set({ status: 'needs_login', last_error: reason, updated_at: now }).where('id', '=', id).execute();
}

export async function setAccountError(db: Db, id: number, reason: string | null, now = Date.now()): Promise<void> {
  await db.updateTable('trakt_accounts').set({ last_error: reason, updated_at: now }).where('id', '=', id).execute();
}

/** Forgets the tokens (after revoking them at Trakt); the row stays for the ledger's sake. */
export async function markDisconnected(db: Db, id: number, now = Date.now()): Promise<void> {
  await db
    .updateTable('trakt_accounts')
    .set((eb) => ({
      status: 'disconnected',
      access_token: null,
      refresh_token: null,
      expires_at: null,
      last_error: null,
      token_version: eb('token_version', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}
