/**
 * The TMDB client and poster cache with an injected fetch: v3 key vs v4 token, 401 as a
 * sentence, 404 and failures cached (briefly for failures), one lookup per poster however
 * many rows ask, Retry-After on 429, the throttle, and testTmdbKey for the settings page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmdbClient, tmdbGate, type FetchLike } from '../../src/tmdb/client.js';
import { testTmdbKey } from '../../src/tmdb/key.js';
import { pickPosterSize } from '../../src/tmdb/posters.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

const V3 = '0123456789abcdef0123456789abcdef';
const V4 = 'eyJhbGciOiJIUzI1NiJ9.' + 'x'.repeat(120);

interface Call {
  url: URL;
  auth?: string;
}

function fakeTmdb(routes: Record<string, () => Response>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const u = new URL(url);
      calls.push({ url: u, auth: (init?.headers as Record<string, string>)?.authorization });
      const route = routes[u.pathname.replace(/^\/3/, '')];
      return route ? route() : new Response(JSON.stringify({ status_code: 34, status_message: 'not found' }), { status: 404 });
    },
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('TmdbClient', () => {
  it('sends a v3 key as api_key and a v4 token as Bearer, under a base URL with a path', async () => {
    const t = fakeTmdb({ '/movie/550': () => json({ poster_path: '/fight.jpg' }) });
    const a = new TmdbClient({ apiUrl: 'http://tmdb.test/3', key: V3, fetch: t.fetch });
    expect(await a.posterPath('movie', 550)).toBe('/fight.jpg');
    expect(t.calls[0]!.url.pathname).toBe('/3/movie/550');
    expect(t.calls[0]!.url.searchParams.get('api_key')).toBe(V3);
    expect(t.calls[0]!.auth).toBeUndefined();
    const b = new TmdbClient({ apiUrl: 'http://tmdb.test/3/', key: V4, fetch: t.fetch });
    await b.posterPath('movie', 550);
    expect(t.calls[1]!.url.searchParams.has('api_key')).toBe(false);
    expect(t.calls[1]!.auth).toBe(`Bearer ${V4}`);
  });

  it('turns 401 into a sentence that says what to do, and honours a short Retry-After once', async () => {
    const t = fakeTmdb({ '/configuration': () => json({ status_code: 7, status_message: 'Invalid API key' }, 401) });
    const c = new TmdbClient({ apiUrl: 'http://tmdb.test/3', key: V3, fetch: t.fetch });
    await expect(c.configuration()).rejects.toThrow(/refused the key.*Settings/);
    let n = 0;
    const slept: number[] = [];
    const r = fakeTmdb({ '/tv/1': () => (++n === 1 ? json({ status_code: 25 }, 429, { 'retry-after': '2' }) : json({ poster_path: '/tv.jpg' })) });
    const c2 = new TmdbClient({ apiUrl: 'http://tmdb.test/3', key: V3, fetch: r.fetch, sleep: async (ms) => void slept.push(ms) });
    expect(await c2.posterPath('tv', 1)).toBe('/tv.jpg');
    expect(slept).toEqual([2000]);
    const always = fakeTmdb({ '/tv/1': () => json({ status_code: 25 }, 429, { 'retry-after': '1' }) });
    const c3 = new TmdbClient({ apiUrl: 'http://tmdb.test/3', key: V3, fetch: always.fetch, sleep: async () => undefined });
    await expect(c3.posterPath('tv', 1)).rejects.toThrow(/rate limiting/);
    expect(always.calls).toHaveLength(2);
  });

  it('keeps to the throttle: no more than the limit per interval', async () => {
    const times: number[] = [];
    const t: FetchLike = async () => {
      times.push(Date.now());
      return json({ poster_path: null });
    };
    const c = new TmdbClient({ apiUrl: 'http://tmdb.test/3', key: V3, fetch: t, gate: tmdbGate(4, 200) });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.posterPath('movie', i)));
    // 10 calls at 4 per 200 ms need at least two more windows.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    // A busy machine only delays calls: never more than 4 in the first window.
    expect(times.filter((x) => x < t0 + 190).length).toBeLessThanOrEqual(4);
    expect(times).toHaveLength(10);
  });

  it('picks the smallest poster size at least 154 wide', () => {
    expect(pickPosterSize(['w92', 'w154', 'w185', 'w342', 'w500', 'w780', 'original'])).toBe('w154');
    expect(pickPosterSize(['w92', 'w200', 'original'])).toBe('w200');
    expect(pickPosterSize(['w92'])).toBe('w92');
    expect(pickPosterSize(undefined)).toBe('w154');
  });
});

describe('poster cache', () => {
  let ctx: TestContext;
  let calls: Call[];
  let movieStatus = 200;
  beforeAll(async () => {
    const t = fakeTmdb({
      '/configuration': () => json({ images: { secure_base_url: 'https://elsewhere/', poster_sizes: ['w92', 'w185', 'original'] } }),
      '/movie/1': () => (movieStatus === 200 ? json({ poster_path: '/one.jpg' }) : new Response('down', { status: movieStatus })),
      '/movie/2': () => json({ poster_path: null }),
      '/tv/3': () => new Response('down', { status: 503 }),
      '/movie/7': () => json({ status_code: 7, status_message: 'Invalid API key' }, 401),
    });
    calls = t.calls;
    let clock = Date.now();
    ctx = await makeTestContext({ TMDB_API_KEY: V3, TMDB_API_URL: 'http://tmdb.test/3', TMDB_IMAGE_URL: 'http://img.test/t/p' }, { tune: { posters: { fetch: t.fetch, now: () => (clock += 1), failureTtlMs: 1000 } } });
  });
  afterAll(async () => {
    await ctx.close();
  });
  const count = (path: string) => calls.filter((c) => c.url.pathname === `/3${path}`).length;

  it('asks TMDB once per poster however many rows want it, on TMDB_IMAGE_URL with the configured size', async () => {
    const s = ctx.deps.posters;
    const urls = await Promise.all(Array.from({ length: 5 }, () => s.poster({ media: 'movie', tmdbId: 1 })));
    expect(new Set(urls)).toEqual(new Set(['http://img.test/t/p/w185/one.jpg']));
    expect(await s.poster({ media: 'movie', tmdbId: 1 })).toBe('http://img.test/t/p/w185/one.jpg');
    expect(count('/movie/1')).toBe(1);
    expect(count('/configuration')).toBe(1);
    const states = await s.states([{ media: 'movie', tmdbId: 1 }, { media: 'tv', tmdbId: 99 }, undefined], true);
    expect(states).toEqual([{ kind: 'img', url: 'http://img.test/t/p/w185/one.jpg' }, { kind: 'pending', media: 'tv', tmdbId: 99 }, { kind: 'none' }]);
    expect((await s.states([{ media: 'tv', tmdbId: 99 }], false))[0]).toEqual({ kind: 'none' });
  });

  it('caches "no poster" and 404 for long, failures briefly', async () => {
    const s = ctx.deps.posters;
    expect(await s.poster({ media: 'movie', tmdbId: 2 })).toBeNull();
    expect(await s.poster({ media: 'movie', tmdbId: 2 })).toBeNull();
    expect(count('/movie/2')).toBe(1);
    expect(await s.poster({ media: 'movie', tmdbId: 404 })).toBeNull();
    expect(await s.poster({ media: 'movie', tmdbId: 404 })).toBeNull();
    expect(count('/movie/404')).toBe(1);
    expect(await s.poster({ media: 'tv', tmdbId: 3 })).toBeNull();
    expect(await s.poster({ media: 'tv', tmdbId: 3 })).toBeNull();
    expect(count('/tv/3')).toBe(1);
    const row = ctx.deps.sqlite.prepare("SELECT status, expires_at - fetched_at AS ttl FROM tmdb_posters WHERE media = 'tv' AND tmdb_id = 3").get() as { status: string; ttl: number };
    expect(row).toEqual({ status: 'error', ttl: 1000 });
    // A refused key is not the poster's fault: nothing cached, asked again once the key is fixed.
    expect(await s.poster({ media: 'movie', tmdbId: 7 })).toBeNull();
    expect(ctx.deps.sqlite.prepare("SELECT COUNT(*) AS n FROM tmdb_posters WHERE tmdb_id = 7").get()).toEqual({ n: 0 });
    expect(ctx.logs.text()).toMatch(/TMDB refused the key/);
  });

  it('never logs the key', () => {
    expect(ctx.logs.text()).not.toContain(V3);
  });
});

describe('testTmdbKey', () => {
  it('answers ok, or a sentence', async () => {
    const good = fakeTmdb({ '/configuration': () => json({ images: {} }) });
    const config = { tmdb: { apiUrl: 'http://tmdb.test/3', imageUrl: 'http://img.test', apiKey: undefined } } as never;
    expect(await testTmdbKey({ config }, V3, { fetch: good.fetch })).toEqual({ ok: true });
    const bad = fakeTmdb({ '/configuration': () => json({ status_code: 7 }, 401) });
    const res = await testTmdbKey({ config }, V3, { fetch: bad.fetch });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.message).toMatch(/refused the key/);
    const down: FetchLike = async () => {
      throw new Error('ECONNREFUSED');
    };
    const r2 = await testTmdbKey({ config }, V3, { fetch: down, timeoutMs: 100 });
    expect(!r2.ok && r2.message).toMatch(/did not answer/);
  });
});
