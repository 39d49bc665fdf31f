/**
 * Typed Trakt failures that callers act on (stop, skip, re-login, wait), each with a
 * sentence a user can read. `errorForAnswer` maps an HTTP answer to one of them.
 */
export class TraktError extends Error {
  override name = 'TraktError';
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The account must sign in again (refresh refused, no tokens, 401 after a refresh). */
export class TraktAuthError extends TraktError {
  override name = 'TraktAuthError';
}

/** 426: the feature (or creating an API app) needs Trakt VIP. */
export class TraktVipRequiredError extends TraktError {
  override name = 'TraktVipRequiredError';
  constructor(readonly upgradeUrl = 'https://trakt.tv/vip', status = 426, body?: unknown) {
    super(
      `Trakt answered 426: this needs a Trakt VIP account. Trakt asks for VIP to create an API app and for some features; upgrade at ${upgradeUrl} or use an account that has VIP.`,
      status,
      body,
    );
  }
}

/** 420: an account limit (history, ratings, watchlist…) is reached; the account is read-only for that list. */
export class TraktAccountLimitError extends TraktError {
  override name = 'TraktAccountLimitError';
  constructor(
    readonly limit: number | undefined,
    readonly upgradeUrl = 'https://trakt.tv/vip',
    body?: unknown,
  ) {
    super(
      `Trakt answered 420: this account has reached its limit${limit ? ` of ${limit} items` : ''} for this list. Remove items on trakt.tv or upgrade to VIP (${upgradeUrl}); nothing more will be added until then.`,
      420,
      body,
    );
  }
}

/** 423: Trakt locked or deactivated the account; only Trakt support can lift it. */
export class TraktLockedError extends TraktError {
  override name = 'TraktLockedError';
  constructor(readonly deactivated: boolean) {
    super(
      deactivated
        ? 'Trakt answered 423: this account is deactivated. Contact Trakt support (support@trakt.tv); calls for it are stopped.'
        : 'Trakt answered 423: this account is locked. Contact Trakt support (support@trakt.tv); calls for it are stopped.',
      423,
    );
  }
}

export class TraktNotFoundError extends TraktError {
  override name = 'TraktNotFoundError';
}

/** 409: already done (a scrobble within Trakt's window, a used device code). The body says when. */
export class TraktConflictError extends TraktError {
  override name = 'TraktConflictError';
}

/** 429 that outlived our retries: a fault (our budgets should have prevented it). */
export class TraktRateLimitError extends TraktError {
  override name = 'TraktRateLimitError';
  constructor(
    readonly retryAfterMs: number,
    body?: unknown,
  ) {
    super(`Trakt's rate limit was reached; Trakt asks to wait ${Math.ceil(retryAfterMs / 1000)} s before the next call. Nothing was lost; it will be tried again.`, 429, body);
  }
}

/** No usable answer: network errors, timeouts, 5xx and Cloudflare errors after every retry. */
export class TraktUnavailableError extends TraktError {
  override name = 'TraktUnavailableError';
}

/** Cloudflare's HTML 403 in front of Trakt. */
export class TraktBlockedError extends TraktError {
  override name = 'TraktBlockedError';
  constructor() {
    super(
      "Trakt's firewall (Cloudflare) blocked the request (HTML 403). This usually means a missing User-Agent or a blocked network address; try again later or from another network.",
      403,
    );
  }
}

/** Any other 4xx: a request Trakt refused; not retried. */
export class TraktRequestError extends TraktError {
  override name = 'TraktRequestError';
}

export interface AnswerLike {
  status: number;
  body: unknown;
  headers: Headers;
}

export function isCloudflareBlock(a: AnswerLike): boolean {
  return a.status === 403 && (a.headers.get('content-type') ?? '').includes('text/html');
}

function describe(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const text = b.error_description ?? b.error ?? b.message;
    if (typeof text === 'string') return `: ${text}`;
  }
  return '';
}

/** The typed error for a non-2xx answer (after the client's retries and refresh). */
export function errorForAnswer(method: string, path: string, a: AnswerLike): TraktError {
  const where = `${method} ${path}`;
  const upgrade = a.headers.get('x-upgrade-url') ?? undefined;
  switch (a.status) {
    case 401:
      return new TraktAuthError(`Trakt refused the sign-in for ${where}${describe(a.body)}. Connect Trakt again in Settings.`, 401, a.body);
    case 403:
      if (isCloudflareBlock(a)) return new TraktBlockedError();
      return new TraktAuthError(`Trakt answered 403 to ${where}: the client id is unknown or the app is not approved. Check the client id in Settings.`, 403, a.body);
    case 404:
      return new TraktNotFoundError(`Trakt has no such item or page (${where}).`, 404, a.body);
    case 409:
      return new TraktConflictError(`Trakt says this was already done (${where})${describe(a.body)}.`, 409, a.body);
    case 420: {
      const limit = Number(a.headers.get('x-account-limit'));
      return new TraktAccountLimitError(Number.isFinite(limit) && limit > 0 ? limit : undefined, upgrade, a.body);
    }
    case 423:
      return new TraktLockedError(a.headers.get('x-account-deactivated') === 'true');
    case 426:
      return new TraktVipRequiredError(upgrade, 426, a.body);
    case 429:
      return new TraktRateLimitError(retryAfterMs(a.headers) ?? 1000, a.body);
    default:
      if (a.status >= 500) return new TraktUnavailableError(`Trakt is not answering properly (${a.status} to ${where}); it will be tried again later.`, a.status, a.body);
      return new TraktRequestError(`Trakt refused ${where} with ${a.status}${describe(a.body)}.`, a.status, a.body);
  }
}

/** Retry-After in ms (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
