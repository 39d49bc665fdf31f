/**
 * An account's access token, kept fresh: refreshed a margin before it expires and once
 * after a 401. Refresh tokens are single-use, so a refresh runs once at a time per account,
 * in this process (single flight) and across processes (a database lease), and re-reads
 * the stored pair first: another process may have refreshed already. The new pair is
 * stored before anything uses it.
 */
import crypto from 'node:crypto';
import type { Db } from '../db/database.js';
import { acquireLeaseWaiting } from '../db/repos/locks.js';
import { getTraktAccount, markNeedsLogin, readTokens, setAccountError, storeRefreshedTokens, type StoredTokens } from '../db/repos/trakt-accounts.js';
import type { Logger } from '../log/logger.js';
import type { SecretRegistry } from '../log/redact.js';
import type { Cipher } from '../security/crypto.js';
import type { TraktCounters } from './counters.js';
import { TraktAuthError, TraktUnavailableError } from './errors.js';
import { refreshTokens, type OAuthApp } from './oauth.js';
import type { Notifier } from '../notify/notifier.js';

export interface TokenKeeperDeps {
  db: Db;
  cipher: Cipher;
  secretRegistry: SecretRegistry;
  log: Logger;
  counters: TraktCounters;
  /** The app whose client id issued the tokens (its secret is needed to refresh). */
  app: () => Promise<OAuthApp>;
  now?: () => number;
  /** Refresh this long before expiry; default one hour. */
  refreshMarginMs?: number;
  /** How long to wait for another process's refresh; default 30 s. */
  leaseWaitMs?: number;
  /** Raises trakt.auth_lost when Trakt refuses the refresh token for good. */
  notifier?: Notifier;
}

export interface CurrentToken {
  token: string;
  version: number;
}

const LEASE_TTL_MS = 30_000;

export class TokenKeeper {
  private inflight?: Promise<StoredTokens>;
  private readonly owner = `${process.pid}:${crypto.randomUUID()}`;

  constructor(
    readonly accountId: number,
    private readonly deps: TokenKeeperDeps,
  ) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Read per call (a primary-key lookup): a pair another process stored is picked up at once. */
  private async load(): Promise<StoredTokens> {
    const t = await readTokens(this.deps.db, this.deps.cipher, this.accountId);
    if (!t || t.status === 'disconnected') throw new TraktAuthError('Trakt is not connected. Connect Trakt in Settings (or run plex-trakt-sync login trakt).');
    this.deps.secretRegistry.add(t.accessToken);
    this.deps.secretRegistry.add(t.refreshToken);
    if (t.status === 'needs_login') throw new TraktAuthError('Trakt needs you to sign in again: connect Trakt in Settings (or run plex-trakt-sync login trakt).');
    return t;
  }

  async current(): Promise<CurrentToken> {
    let t = await this.load();
    if (this.now() >= t.expiresAt - (this.deps.refreshMarginMs ?? 3600_000)) t = await this.refresh(t.version);
    return { token: t.accessToken, version: t.version };
  }

  /** Trakt said 401 to the token of `version`: refresh once (or pick up a newer pair). */
  async afterUnauthorized(version: number): Promise<CurrentToken> {
    const t = await this.refresh(version);
    return { token: t.accessToken, version: t.version };
  }

  refresh(seenVersion: number): Promise<StoredTokens> {
    this.inflight ??= this.refreshUnderLease(seenVersion).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refreshUnderLease(seenVersion: number): Promise<StoredTokens> {
    const { db, log } = this.deps;
    const lease = await acquireLeaseWaiting(db, `trakt.token.${this.accountId}`, this.owner, LEASE_TTL_MS, this.deps.leaseWaitMs ?? 30_000);
    if (!lease) throw new TraktUnavailableError('Another process has been renewing the Trakt sign-in for too long; try again in a minute.');
    try {
      const cur = await this.load();
      if (cur.version !== seenVersion) return cur; // someone refreshed while we waited
      const app = await this.deps.app();
      const result = await refreshTokens(app, cur.refreshToken, this.now());
      if (!result.ok) {
        this.deps.counters.refresh(false);
        if (result.reason === 'invalid_grant') {
          await markNeedsLogin(db, this.accountId, result.message);
          const username = (await getTraktAccount(db, this.accountId).catch(() => undefined))?.username;
          this.deps.notifier?.raise('trakt.auth_lost', { accountId: this.accountId, username, reason: result.message });
        }
        else await setAccountError(db, this.accountId, result.message);
        log.warn({ component: 'trakt', accountId: this.accountId, reason: result.reason }, 'Trakt refused the token refresh');
        throw new TraktAuthError(result.message);
      }
      const fresh = result.tokens;
      this.deps.secretRegistry.add(fresh.accessToken);
      this.deps.secretRegistry.add(fresh.refreshToken);
      // Store before use: the old refresh token is already dead at Trakt.
      const version = await storeRefreshedTokens(db, this.deps.cipher, this.accountId, cur.version, fresh);
      this.deps.counters.refresh(true);
      log.info({ component: 'trakt', accountId: this.accountId, expiresAt: new Date(fresh.expiresAt).toISOString() }, 'Trakt token refreshed');
      if (version === undefined) return this.load(); // a new login replaced the pair meanwhile
      return { ...cur, ...fresh, version, status: 'connected' };
    } finally {
      await lease.release();
    }
  }
}
