/**
 * One HTTP exchange with Plex (a server or plex.tv): base URL + path (a base may carry a
 * path prefix), the X-Plex-* headers, JSON, a timeout, retries with jittered backoff on
 * 5xx and network errors, typed errors, and counters by status for /metrics.
 */
import { metrics } from '../metrics/registry.js';
import { isUnknownStatus } from '../net/write-answer.js';
import { backoffDelay } from '../trakt/retry.js';
import { PlexHttpError, PlexResponseError, PlexUnauthorizedError, PlexUnreachableError } from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export type Query = Record<string, string | number | boolean | undefined | null>;

export const PLEX_PRODUCT = 'Plex-Trakt Sync';

export interface PlexRetry {
  /** Tries in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_PLEX_RETRY: PlexRetry = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 5_000 };
export const NO_RETRY: PlexRetry = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

const requestsTotal = metrics.counter('pts_plex_requests_total', 'Plex requests (server and plex.tv), by service, method and HTTP status (0 = no answer).');

/** Requests by "METHOD status" ("GET 0" = no answer); tests read it, /metrics gets the same numbers. */
export class PlexCounters {
  readonly requests = new Map<string, number>();
  retries = 0;

  record(service: 'server' | 'plex.tv', method: string, status: number): void {
    const key = `${method} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    requestsTotal.inc({ service, method, status });
  }

  total(method?: string): number {
    let n = 0;
    for (const [k, v] of this.requests) if (!method || k.startsWith(`${method} `)) n += v;
    return n;
  }
}

export interface PlexHttpOptions {
  /** `http://host:32400` or `https://plex.tv`; may carry a path prefix. */
  baseUrl: string;
  token?: string;
  clientIdentifier: string;
  product?: string;
  version?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  retry?: PlexRetry;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  counters?: PlexCounters;
}

export interface PlexAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface RequestOptions {
  query?: Query;
  headers?: Record<string, string>;
  /** Overrides the client's timeout (connection tests use 5 s). */
  timeoutMs?: number;
  retry?: PlexRetry;
  /** Statuses returned as answers instead of thrown (e.g. 404 for "gone"). */
  allow?: number[];
}

/** `https://host/prefix` + `/library/sections` + query; never resolved against the host root. */
export function joinPlexUrl(base: string, path: string, query?: Query): string {
  const url = base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    // Media-query operators belong to the key (`lastViewedAt>>=…`): encode key and value separately.
    if (v !== undefined && v !== null) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  if (!parts.length) return url;
  return url + (url.includes('?') ? '&' : '?') + parts.join('&');
}

/** The base URL's host (and path) for messages; never the token, which travels in a header. */
export function describeBase(base: string): string {
  try {
    const u = new URL(base);
    return u.host + u.pathname.replace(/\/+$/, '');
  } catch {
    return base;
  }
}

function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class PlexHttp {
  readonly counters: PlexCounters;
  private readonly fetchImpl: FetchLike;

  constructor(
    readonly service: 'server' | 'plex.tv',
    /** "The Plex server at host:32400" / "plex.tv (host)": the subject of error sentences. */
    readonly label: string,
    private readonly opts: PlexHttpOptions,
  ) {
    this.counters = opts.counters ?? new PlexCounters();
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = {
      accept: 'application/json',
      'x-plex-client-identifier': this.opts.clientIdentifier,
      'x-plex-product': this.opts.product ?? PLEX_PRODUCT,
      'x-plex-version': this.opts.version ?? '1.0',
      'x-plex-device-name': this.opts.product ?? PLEX_PRODUCT,
      'x-plex-platform': 'Node.js',
    };
    if (this.opts.token) h['x-plex-token'] = this.opts.token;
    return { ...h, ...extra };
  }

  /** Sends one request (with retries); 2xx and `allow`ed statuses come back, the rest throw typed errors. */
  async request(method: string, path: string, ro: RequestOptions = {}): Promise<PlexAnswer> {
    const url = joinPlexUrl(this.opts.baseUrl, path, ro.query);
    const retry = ro.retry ?? this.opts.retry ?? DEFAULT_PLEX_RETRY;
    const timeoutMs = ro.timeoutMs ?? this.opts.timeoutMs ?? 10_000;
    const sleep = this.opts.sleep ?? defaultSleep;
    // A write (`/:/scrobble` adds a view each time it is called) is never sent twice here: without an
    // answer it may have been carried out, and the caller reads the item before anything is resent.
    const maxAttempts = method === 'GET' || method === 'HEAD' ? retry.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        res = await this.fetchFollowing(url, method, this.headers(ro.headers), signal);
      } catch (err) {
        this.counters.record(this.service, method, 0);
        if (attempt < maxAttempts) {
          this.counters.retries++;
          await sleep(backoffDelay(attempt, { ...retry, maxRetryAfterMs: 0 }, this.opts.random));
          continue;
        }
        const timedOut = signal.aborted;
        throw new PlexUnreachableError(this.label, timedOut ? `${Math.round(timeoutMs / 100) / 10} s` : causeOf(err), timedOut);
      }
      this.counters.record(this.service, method, res.status);
      if (isUnknownStatus(res.status) && attempt < maxAttempts && !ro.allow?.includes(res.status)) {
        await res.body?.cancel();
        this.counters.retries++;
        await sleep(backoffDelay(attempt, { ...retry, maxRetryAfterMs: 0 }, this.opts.random));
        continue;
      }
      const body = await this.readBody(res, signal);
      if ((res.status >= 200 && res.status < 300) || ro.allow?.includes(res.status)) return { status: res.status, headers: res.headers, body };
      if (res.status === 401) throw new PlexUnauthorizedError(this.label);
      throw new PlexHttpError(this.label, res.status, path);
    }
  }

  /**
   * fetch, following redirects by hand (as fetch would, at most MAX_REDIRECTS) so that the
   * token never goes to another origin: a server that redirects elsewhere would otherwise hand
   * the X-Plex-Token header (or `X-Plex-Token=` in the address) to whoever it names.
   */
  private async fetchFollowing(start: string, method: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    let url = new URL(start);
    let sent = headers;
    for (let hop = 0; ; hop++) {
      const res = await this.fetchImpl(url.href, { method, headers: sent, signal, redirect: 'manual' });
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location || hop >= MAX_REDIRECTS) return res;
      await res.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        sent = Object.fromEntries(Object.entries(sent).filter(([k]) => k.toLowerCase() !== 'x-plex-token'));
        for (const k of [...next.searchParams.keys()]) if (k.toLowerCase() === 'x-plex-token') next.searchParams.delete(k);
      }
      if ((res.status === 303 && method !== 'HEAD') || ((res.status === 301 || res.status === 302) && method === 'POST')) method = 'GET'; // as fetch does
      url = next;
    }
  }

  /** A request whose 2xx answer must be a JSON object. */
  async json<T>(method: string, path: string, ro: RequestOptions = {}): Promise<{ status: number; headers: Headers; body: T }> {
    const a = await this.request(method, path, ro);
    if (a.status >= 200 && a.status < 300 && (a.body === undefined || typeof a.body !== 'object' || a.body === null)) {
      throw new PlexResponseError(this.label, a.body === undefined ? 'an empty answer' : 'an answer that is not JSON');
    }
    return a as { status: number; headers: Headers; body: T };
  }

  private async readBody(res: Response, signal: AbortSignal): Promise<unknown> {
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new PlexUnreachableError(this.label, signal.aborted ? 'the time limit while sending its answer' : causeOf(err), signal.aborted);
    }
    if (!text) return undefined;
    if ((res.headers.get('content-type') ?? '').includes('json') || /^\s*[[{]/.test(text)) {
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
    return text;
  }
}
