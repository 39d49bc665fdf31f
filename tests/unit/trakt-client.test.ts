import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { TraktBudgets } from '../../src/trakt/budgets.js';
import { TraktClient } from '../../src/trakt/client.js';
import { TraktCounters } from '../../src/trakt/counters.js';
import {
  TraktAccountLimitError,
  TraktBlockedError,
  TraktConflictError,
  TraktLockedError,
  TraktNotFoundError,
  TraktRateLimitError,
  TraktRequestError,
  TraktUnavailableError,
  TraktVipRequiredError,
} from '../../src/trakt/errors.js';
import { joinUrl } from '../../src/trakt/http.js';
import { backoffDelay, DEFAULT_RETRY } from '../../src/trakt/retry.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A scripted fetch: each call takes the next answer (a Response, or an Error to throw). */
function scripted(answers: Array<Response | Error | (() => Response | Promise<Response>)>) {
  const seen: Seen[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    seen.push({ method: String(init.method), url, headers: init.headers as Record<string, string>, body: init.body as string | undefined });
    const next = answers.shift();
    if (!next) throw new Error('no more scripted answers');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next;
  };
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function client(fetch: ReturnType<typeof scripted>['fetch'], extra: { sleeps?: number[]; budgets?: TraktBudgets; timeoutMs?: number; maxAttempts?: number } = {}) {
  const sleeps = extra.sleeps ?? [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const counters = new TraktCounters();
  const c = new TraktClient({
    apiUrl: 'https://trakt.example/prefix/',
    clientId: 'cid',
    userAgent: 'Plex-Trakt-Sync/9.9.9',
    counters,
    budgets: extra.budgets ?? new TraktBudgets({ getLimit: 1000, getIntervalMs: 1000, writeLimit: 1000, writeIntervalMs: 1000 }, Date.now, sleep),
    fetch,
    sleep,
    random: () => 1,
    timeoutMs: extra.timeoutMs,
    retry: { maxAttempts: extra.maxAttempts ?? 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000 },
  });
  return { c, sleeps, counters };
}

describe('Trakt URLs and headers', () => {
  it('appends paths to a base URL that carries a path, and merges queries', () => {
    expect(joinUrl('https://h/p/', '/sync/history', { a: 1, b: undefined })).toBe('https://h/p/sync/history?a=1');
    expect(joinUrl('https://h/p', 'sync/history?x=1', { page: 2 })).toBe('https://h/p/sync/history?x=1&page=2');
  });

  it('sends the product User-Agent, the app key and API version 2 on every call', async () => {
    const s = scripted([json(200, { ok: 1 })]);
    const { c } = client(s.fetch);
    await c.getJson('/sync/last_activities');
    expect(s.seen[0]!.url).toBe('https://trakt.example/prefix/sync/last_activities');
    expect(s.seen[0]!.headers).toMatchObject({ 'user-agent': 'Plex-Trakt-Sync/9.9.9', 'trakt-api-key': 'cid', 'trakt-api-version': '2' });
  });
});

describe('retries', () => {
  it('retries 5xx and Cloudflare 52x with growing backoff, then succeeds', async () => {
    const s = scripted([json(502, {}), json(521, {}), json(503, {}), json(200, [1])]);
    const { c, sleeps, counters } = client(s.fetch);
    expect(await c.getJson('/x')).toEqual([1]);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(counters.retries).toBe(3);
    expect(counters.requests.get('GET 502')).toBe(1);
  });

  it('gives up after the configured attempts with a TraktUnavailableError for 5xx', async () => {
    const s = scripted([json(500, {}), json(500, {}), json(500, {})]);
    const { c } = client(s.fetch, { maxAttempts: 3 });
    await expect(c.getJson('/x')).rejects.toBeInstanceOf(TraktUnavailableError);
    expect(s.seen).toHaveLength(3);
  });

  it('retries network errors and timeouts, and says so when they last', async () => {
    const slow = () => new Promise<Response>(() => undefined); // never answers: the timeout must fire
    const s = scripted([new TypeError('fetch failed'), slow, json(200, 'ok')]);
    const hanging = async (url: string, init: RequestInit) => {
      const p = s.fetch(url, init);
      return Promise.race([p, new Promise<Response>((_, rej) => init.signal!.addEventListener('abort', () => rej(init.signal!.reason)))]);
    };
    const { c, counters } = client(hanging, { timeoutMs: 50 });
    expect(await c.getJson('/x')).toBe('ok');
    expect(counters.requests.get('GET 0')).toBe(2);

    const s2 = scripted([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    const { c: c2 } = client(s2.fetch, { maxAttempts: 2 });
    await expect(c2.getJson('/x')).rejects.toThrow(/could not be reached.*2 tries/);
  });

  it('never resends a write whose answer is unknown (no answer, any 5xx, 408): it may have landed, and Trakt keeps every play', async () => {
    const body = { movies: [{ ids: { trakt: 1 }, watched_at: '2026-01-01T00:00:00.000Z' }] };
    const noAnswer = scripted([new TypeError('fetch failed'), json(201, { added: { movies: 1 } })]);
    const { c } = client(noAnswer.fetch);
    await expect(c.send('POST', '/sync/history', { body })).rejects.toThrow(/may have reached Trakt/);
    expect(noAnswer.seen).toHaveLength(1);
    for (const status of [500, 502, 503, 504, 408, 520, 521, 522, 523, 524, 530]) {
      const lost = scripted([json(status, {}), json(201, { added: { movies: 1 } })]);
      const { c: c2 } = client(lost.fetch);
      // send hands the answer back as it is; the caller reads Trakt before anything is resent.
      expect((await c2.send('POST', '/sync/history', { body })).status, String(status)).toBe(status);
      expect(lost.seen, String(status)).toHaveLength(1);
      const viaPost = scripted([json(status, {}), json(201, { added: { movies: 1 } })]);
      await expect(client(viaPost.fetch).c.post('/sync/history', body)).rejects.toBeInstanceOf(status === 408 ? TraktRequestError : TraktUnavailableError);
      expect(viaPost.seen, String(status)).toHaveLength(1);
    }
    // A 429 says nothing was written: the write waits and goes again. A GET after a 5xx is retried.
    const limited = scripted([json(429, {}, { 'retry-after': '0' }), json(201, { added: { movies: 1 } })]);
    expect((await client(limited.fetch).c.send('POST', '/sync/history', { body })).status).toBe(201);
    expect(limited.seen).toHaveLength(2);
    const read = scripted([json(504, {}), json(200, [1])]);
    expect(await client(read.fetch).c.getJson('/x')).toEqual([1]);
  });

  it('never retries a 4xx other than 401 and 429, and maps each to a typed error', async () => {
    const cases: Array<[Response, unknown]> = [
      [json(404, {}), TraktNotFoundError],
      [json(409, { watched_at: 'x', expires_at: 'y' }), TraktConflictError],
      [json(420, {}, { 'x-account-limit': '100' }), TraktAccountLimitError],
      [new Response(null, { status: 423, headers: { 'x-account-deactivated': 'false' } }), TraktLockedError],
      [json(426, { error: 'VIP only' }, { 'x-upgrade-url': 'https://trakt.tv/vip' }), TraktVipRequiredError],
      [new Response('<html>Sorry, you have been blocked</html>', { status: 403, headers: { 'content-type': 'text/html' } }), TraktBlockedError],
    ];
    for (const [res, type] of cases) {
      const s = scripted([res]);
      const { c } = client(s.fetch);
      const err = await c.post('/sync/history', {}).catch((e: any) => e) as any;
      expect(err).toBeInstanceOf(type);
      expect(s.seen).toHaveLength(1);
    }
    const limit = await client(scripted([json(420, {}, { 'x-account-limit': '100' })]).fetch).c.post('/x', {}).catch((e: any) => e) as any;
    expect(limit.message).toMatch(/limit of 100 items/);
    const vip = await client(scripted([json(426, {})]).fetch).c.getJson('/x').catch((e: any) => e) as any;
    expect(vip.message).toMatch(/VIP/);
    const conflict = await client(scripted([json(409, { expires_at: 'soon' })]).fetch).c.post('/x', {}).catch((e: any) => e) as any;
    expect(conflict.body).toEqual({ expires_at: 'soon' });
  });

  it('honours Retry-After on a 429 and pauses every call of the account meanwhile', async () => {
    const s = scripted([json(429, {}, { 'retry-after': '2' }), json(200, 'a'), json(200, 'b')]);
    const sleeps: number[] = [];
    let now = 1_000_000;
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    };
    const budgets = new TraktBudgets({ getLimit: 100, getIntervalMs: 1000, writeLimit: 100, writeIntervalMs: 1000 }, () => now, sleep);
    const { c, counters } = client(s.fetch, { budgets, sleeps });
    expect(await c.getJson('/x')).toBe('a');
    expect(sleeps).toEqual([2000]);
    expect(counters.rateLimited).toBe(1);
    budgets.pause(500);
    expect(await c.getJson('/y')).toBe('b'); // waits out the pause first
    expect(sleeps).toEqual([2000, 500]);
  });

  it('reports a 429 that asks for a longer wait than allowed instead of waiting', async () => {
    const s = scripted([json(429, {}, { 'retry-after': '300' })]);
    const { c } = client(s.fetch);
    const err = await c.getJson('/x').catch((e: any) => e) as any;
    expect(err).toBeInstanceOf(TraktRateLimitError);
    expect(err.retryAfterMs).toBe(300_000);
  });

  it('jitters backoff between half and all of the step, capped', () => {
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(500);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 1)).toBe(1000);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  });
});

describe('budgets', () => {
  // On a fake clock: under load a real one let a stalled first write look closer to the second
  // than the interval (the test failed once with seven engineers on two cores); p-throttle's own
  // timers and Date.now run on the fake clock, so the stamps are when each call was let go.
  it('spaces writes by the write interval and lets GETs run up to their limit', async () => {
    vi.useFakeTimers();
    onTestFinished(() => void vi.useRealTimers());
    const budgets = new TraktBudgets({ getLimit: 3, getIntervalMs: 300, writeLimit: 1, writeIntervalMs: 120 });
    const stamps: Record<string, number[]> = { GET: [], POST: [] };
    const t0 = Date.now();
    const run = (m: 'GET' | 'POST') => budgets.run(m, async () => void stamps[m]!.push(Date.now() - t0));
    const all = Promise.all([run('POST'), run('POST'), run('POST'), run('GET'), run('GET'), run('GET'), run('GET')]);
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    // Exact on the fake clock (the real-clock version could only check at-least gaps).
    expect(stamps.POST).toEqual([0, 120, 240]); // one write per interval
    expect(stamps.GET).toEqual([0, 0, 0, 300]); // three at once; the fourth waits for the window
  });
});

describe('pagination', () => {
  it('follows X-Pagination-Page-Count, caps the limit at 250 and believes the served limit', async () => {
    const page = (n: number, items: number[], count: string) => json(200, items, { 'x-pagination-page': String(n), 'x-pagination-page-count': count, 'x-pagination-limit': '100' });
    const s = scripted([page(1, [1, 2], '3'), page(2, [3], '3'), page(3, [4], '3')]);
    const { c } = client(s.fetch);
    expect(await c.all('/sync/watched/shows', { extended: 'progress' }, { limit: 1000 })).toEqual([1, 2, 3, 4]);
    expect(s.seen.map((x) => new URL(x.url).search)).toEqual([
      '?extended=progress&page=1&limit=250',
      '?extended=progress&page=2&limit=250',
      '?extended=progress&page=3&limit=250',
    ]);
  });

  it('without a page count, stops on a short page', async () => {
    const s = scripted([json(200, [1, 2], { 'x-pagination-limit': '2' }), json(200, [3])]);
    const { c } = client(s.fetch);
    expect(await c.all('/x')).toEqual([1, 2, 3]);
    const single = scripted([json(200, [1])]);
    expect(await client(single.fetch).c.all('/x')).toEqual([1]);
  });
});
