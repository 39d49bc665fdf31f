/**
 * THE Trakt client of each account, shared by everything in this process (webhook worker,
 * sync, history mirror, pages), so they spend one set of budgets and one refresh lock.
 * src/context.ts builds it once; tests pass options there (a fetch, short timeouts, small budgets).
 */
import type { Core } from '../core.js';
import { TraktBudgets, TRAKT_BUDGETS, type BudgetConfig } from './budgets.js';
import { TraktClient } from './client.js';
import { TraktCounters } from './counters.js';
import { loadTraktApp } from './credentials.js';
import { TraktAuthError } from './errors.js';
import { userAgent, type FetchLike } from './http.js';
import type { OAuthApp } from './oauth.js';
import type { RetryPolicy } from './retry.js';
import { TokenKeeper } from './tokens.js';
import type { Notifier } from '../notify/notifier.js';

export interface TraktRegistryOptions {
  fetch?: FetchLike;
  /** API request timeout (default 30 s). */
  timeoutMs?: number;
  /** OAuth calls made while a user waits (settings page, CLI); default 5 s. */
  oauthTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  budgets?: Partial<BudgetConfig>;
  refreshMarginMs?: number;
  leaseWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** `notifier`: trakt.locked (423/420) and trakt.auth_lost (a refused refresh) are raised on it. */
export type RegistryDeps = Pick<Core, 'config' | 'db' | 'cipher' | 'secretRegistry' | 'log' | 'version'> & { notifier?: Notifier };

export class TraktClientRegistry {
  readonly counters = new TraktCounters();
  private clients = new Map<number, TraktClient>();
  private budgets = new Map<number, TraktBudgets>();
  private keepers = new Map<number, TokenKeeper>();

  constructor(
    private readonly deps: RegistryDeps,
    readonly options: TraktRegistryOptions = {},
  ) {}

  get userAgent(): string {
    return userAgent(this.deps.version);
  }

  /** The app's OAuth settings (client id + secret); throws a sentence when they are missing. */
  async oauthApp(overrides: { clientId?: string; clientSecret?: string } = {}): Promise<OAuthApp> {
    const creds = await loadTraktApp(this.deps);
    const clientId = overrides.clientId ?? creds.clientId;
    const clientSecret = overrides.clientSecret ?? creds.clientSecret;
    if (!clientId || !clientSecret) {
      throw new TraktAuthError('No Trakt app is set up: enter your Trakt client id and secret in Settings (or set TRAKT_CLIENT_ID and TRAKT_CLIENT_SECRET).');
    }
    return { oauthUrl: this.deps.config.trakt.oauthUrl, clientId, clientSecret, userAgent: this.userAgent, fetch: this.options.fetch, timeoutMs: this.options.oauthTimeoutMs ?? 5000 };
  }

  private budgetsFor(accountId: number): TraktBudgets {
    let b = this.budgets.get(accountId);
    if (!b) {
      b = new TraktBudgets({ ...TRAKT_BUDGETS, ...this.options.budgets }, this.options.now, this.options.sleep);
      this.budgets.set(accountId, b);
    }
    return b;
  }

  private keeperFor(accountId: number): TokenKeeper {
    let k = this.keepers.get(accountId);
    if (!k) {
      k = new TokenKeeper(accountId, {
        db: this.deps.db,
        cipher: this.deps.cipher,
        secretRegistry: this.deps.secretRegistry,
        log: this.deps.log,
        counters: this.counters,
        // Refreshes are waited on by requests, not users: the API timeout applies.
        app: async () => ({ ...(await this.oauthApp()), timeoutMs: this.options.timeoutMs ?? 30_000 }),
        now: this.options.now,
        refreshMarginMs: this.options.refreshMarginMs,
        leaseWaitMs: this.options.leaseWaitMs,
        notifier: this.deps.notifier,
      });
      this.keepers.set(accountId, k);
    }
    return k;
  }

  /** The client of a stored account (its token is checked on the first call, not here). */
  async forAccount(accountId: number): Promise<TraktClient> {
    const existing = this.clients.get(accountId);
    if (existing) return existing;
    const app = await this.oauthApp();
    const client = this.build(app.clientId, accountId);
    this.clients.set(accountId, client);
    return client;
  }

  /** A client without an account: public GETs, or a login checking its new token (`accessToken` option). */
  unauthenticated(clientId: string): TraktClient {
    return this.build(clientId, undefined);
  }

  private build(clientId: string, accountId: number | undefined): TraktClient {
    const o = this.options;
    return new TraktClient({
      apiUrl: this.deps.config.trakt.apiUrl,
      clientId,
      userAgent: this.userAgent,
      counters: this.counters,
      budgets: accountId === undefined ? new TraktBudgets({ ...TRAKT_BUDGETS, ...o.budgets }, o.now, o.sleep) : this.budgetsFor(accountId),
      tokens: accountId === undefined ? undefined : this.keeperFor(accountId),
      log: this.deps.log,
      fetch: o.fetch,
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      sleep: o.sleep,
      random: o.random,
      now: o.now,
      notifier: this.deps.notifier,
    });
  }

  /** Forget built clients (the app's credentials changed); budgets and refresh locks stay. */
  invalidate(): void {
    this.clients.clear();
  }
}
