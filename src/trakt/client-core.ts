/**
 * The Trakt API transport for one account: budgets, retries with jittered backoff,
 * Retry-After, one token refresh on a 401, counters and a debug line per call (never a
 * token). `send` returns any HTTP answer; `request` turns non-2xx into typed errors.
 */
import type { Logger } from '../log/logger.js';
import { TraktBudgets } from './budgets.js';
import type { TraktCounters } from './counters.js';
import { errorForAnswer, retryAfterMs, TraktUnavailableError } from './errors.js';
import { exchange, joinUrl, NoAnswerError, traktHeaders, type FetchLike, type Query, type TraktAnswer } from './http.js';
import { lightFetch } from '../net/light-fetch.js';
import { isUnknownStatus } from '../net/write-answer.js';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import type { CurrentToken } from './tokens.js';
import type { Notifier } from '../notify/notifier.js';

/** Where the access token comes from (absent: unauthenticated calls). */
export interface TokenSource {
  current(): Promise<CurrentToken>;
  afterUnauthorized(version: number): Promise<CurrentToken>;
}

export interface TraktTransportOptions {
  apiUrl: string;
  clientId: string;
  userAgent: string;
  counters: TraktCounters;
  budgets: TraktBudgets;
  tokens?: TokenSource;
  log?: Logger;
  fetch?: FetchLike;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Raises trakt.locked on a 423 (account locked) or 420 (account limit reached). */
  notifier?: Notifier;
}

export interface SendOptions {
  query?: Query;
  body?: unknown;
  /** Send the account's bearer token; default true when the client has one. */
  auth?: boolean;
  /** An explicit token (a login checking who it belongs to). */
  accessToken?: string;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'DELETE']);

export class TraktTransport {
  readonly retry: RetryPolicy;
  protected readonly opts: TraktTransportOptions;

  constructor(opts: TraktTransportOptions) {
    this.opts = opts;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  get counters(): TraktCounters {
    return this.opts.counters;
  }

  get budgets(): TraktBudgets {
    return this.opts.budgets;
  }

  private sleep(ms: number): Promise<void> {
    return (this.opts.sleep ?? ((t) => new Promise((r) => setTimeout(r, t))))(ms);
  }

  /** Any HTTP answer after retries; throws only when none came (TraktUnavailableError) or sign-in is impossible (TraktAuthError). */
  async send(method: string, path: string, o: SendOptions = {}): Promise<TraktAnswer> {
    const { opts, retry } = this;
    const url = joinUrl(opts.apiUrl, path, o.query);
    const tokens = o.accessToken || o.auth === false ? undefined : opts.tokens;
    let tok: CurrentToken | undefined = tokens ? await tokens.current() : undefined;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const bearer = o.accessToken ?? tok?.token;
      const started = Date.now();
      let answer: TraktAnswer;
      try {
        answer = await opts.budgets.run(method, () => exchange(opts.fetch ?? lightFetch, method, url, traktHeaders(opts.clientId, opts.userAgent, bearer), o.body, opts.timeoutMs ?? 30_000));
      } catch (err) {
        if (!(err instanceof NoAnswerError)) throw err;
        opts.counters.request(method, 0);
        opts.log?.debug({ component: 'trakt', method, path, attempt, error: err.message }, 'Trakt call got no answer');
        // A write that got no answer may have landed, and Trakt keeps every play it is sent: never
        // resend it blindly. The caller's ledger checks Trakt's history before anything is sent again.
        if (WRITE_METHODS.has(method)) throw new TraktUnavailableError(`${err.message}; it may have reached Trakt, so Trakt's history is checked before it is sent again.`);
        if (attempt >= retry.maxAttempts) throw new TraktUnavailableError(`${err.message} (${attempt} tries). It will be tried again later.`);
        opts.counters.retries++;
        await this.sleep(backoffDelay(attempt, retry, opts.random));
        continue;
      }
      opts.counters.request(method, answer.status);
      opts.log?.debug({ component: 'trakt', method, path, status: answer.status, ms: Date.now() - started, attempt }, 'Trakt call');
      if (answer.status === 423 || answer.status === 420) {
        opts.notifier?.raise('trakt.locked', { status: answer.status, reason: errorForAnswer(method, path, answer).message });
      }

      if (answer.status === 401 && tok && tokens && !refreshed) {
        refreshed = true;
        tok = await tokens.afterUnauthorized(tok.version);
        attempt--; // the refresh is not a failed try
        continue;
      }
      if (answer.status === 429) {
        const wait = retryAfterMs(answer.headers, (opts.now ?? Date.now)()) ?? backoffDelay(attempt, retry, opts.random);
        opts.budgets.pause(wait); // every call of this account waits, not just this one
        opts.log?.warn({ component: 'trakt', method, path, retryAfterMs: wait }, 'Trakt rate limit reached (429); pausing this account');
        if (attempt >= retry.maxAttempts || wait > retry.maxRetryAfterMs) return answer;
        opts.counters.retries++;
        continue;
      }
      // Any 5xx or 408 to a write may come back for a write Trakt carried out (Cloudflare in front):
      // the answer goes back as it is, never re-sent here; the caller reads Trakt before resending.
      if (WRITE_METHODS.has(method) && isUnknownStatus(answer.status)) return answer;
      if (isUnknownStatus(answer.status) && attempt < retry.maxAttempts) {
        opts.counters.retries++;
        await this.sleep(backoffDelay(attempt, retry, opts.random));
        continue;
      }
      return answer;
    }
  }

  /** The body of a 2xx answer; anything else becomes a typed TraktError. */
  async request<T = unknown>(method: string, path: string, o: SendOptions = {}): Promise<T> {
    const answer = await this.send(method, path, o);
    if (answer.status >= 200 && answer.status < 300) return answer.body as T;
    throw errorForAnswer(method, path, answer);
  }

  isWrite(method: string): boolean {
    return WRITE_METHODS.has(method);
  }
}
