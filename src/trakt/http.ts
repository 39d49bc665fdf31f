/**
 * One HTTP exchange with Trakt: the URL (base + path, never resolved against the host root),
 * the headers Trakt requires, a timeout, and the body read as JSON when it is JSON.
 */
import type { LightInit, ResponseLike } from '../net/light-fetch.js';

/** fetch's shape, narrowed to what is used: the default is `lightFetch`; tests pass scripted ones. */
export type FetchLike = (input: string, init: LightInit) => Promise<ResponseLike>;

export interface TraktAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** `https://host/prefix` + `/sync/history` + query; a path may carry its own query already. */
export function joinUrl(base: string, path: string, query?: Query): string {
  const url = base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) params.set(k, String(v));
  const qs = params.toString();
  if (!qs) return url;
  return url + (url.includes('?') ? '&' : '?') + qs;
}

export function userAgent(version: string): string {
  return `Plex-Trakt-Sync/${version}`;
}

export function traktHeaders(clientId: string, ua: string, accessToken?: string): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': ua,
    'trakt-api-key': clientId,
    'trakt-api-version': '2',
  };
  if (accessToken) h.authorization = `Bearer ${accessToken}`;
  return h;
}

/** Thrown for a request that got no HTTP answer (network error or timeout). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

async function readBody(res: ResponseLike): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export async function exchange(
  fetchImpl: FetchLike,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
): Promise<TraktAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    return { status: res.status, headers: res.headers, body: await readBody(res) };
  } catch (err) {
    const timedOut = signal.aborted;
    const host = safeHost(url);
    throw new NoAnswerError(
      timedOut ? `Trakt (${host}) did not answer within ${Math.round(timeoutMs / 100) / 10} s` : `Trakt (${host}) could not be reached: ${causeOf(err)}`,
      timedOut,
    );
  }
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return u.host + u.pathname.replace(/\/(oauth|sync|users|scrobble|search|shows|movies).*$/, '');
  } catch {
    return url;
  }
}

function causeOf(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
