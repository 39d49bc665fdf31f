/**
 * The History page while TMDB misbehaves, on the real service (startService) with the
 * History mirror filled from the Trakt emulator and posters from the TMDB emulator:
 * TMDB down (connection refused), slow (past the client's timeout), answering garbage,
 * and rate limiting (429). Each time the page answers 200 at once with initials, the
 * poster requests answer placeholders within their bound, the failure is remembered
 * (no retry storm on the next page view), the service stays healthy; and once TMDB is
 * back and the failure has expired, the posters appear.
 *
 * The poster service gets a clock (to let its 10-minute failure cache expire without
 * waiting) and a 1.5 s timeout (to keep "slow" short); everything else is production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { countPlays } from '../../src/db/repos/history-plays.js';
import { defaultTraktAccount } from '../../src/db/repos/trakt-accounts.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { initials } from '../../views/history/poster.js';
import { generateLibrary, type Library } from '../fakes/library/index.js';
import { DEFAULT_TMDB_API_KEY, seedTmdbFromLibrary, startTmdbFake, type TmdbFake } from '../fakes/tmdb/index.js';
import { seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { FormClient } from '../helpers/browser-client.js';
import { LogCapture } from '../helpers/context.js';
import { preconnectTrakt } from '../helpers/trakt-connected.js';
import { tmdbEnv, traktEnv, loopbackServiceEnv } from '../helpers/emulator-env.js';

const PASSWORD = 'tmdb-faults-admin-password';
const MINUTE = 60_000;
const CLIENT_TIMEOUT_MS = 1500;
/** Generous for a shared 2-core machine; the page itself never waits on TMDB. */
const PAGE_BOUND_MS = 2000;

let lib: Library;
let trakt: TraktFake;
let tmdb: TmdbFake;
let tmdbPort: number;
let service: ServiceHandle;
let http: FormClient;
let skew = 0; // the poster service's clock runs this far ahead of the wall clock
const logs = new LogCapture();
/** TMDB's poster path per poster request path (/history/poster/movie/603 → /abc.jpg). */
const posterOf = new Map<string, string>();

beforeAll(async () => {
  lib = generateLibrary({ seed: 9090, movies: 40, shows: 6, episodesPerShow: [3, 5], otherAccounts: 0, now: Math.floor(Date.now() / 1000) });
  const owner = lib.owner.traktUsername;
  for (const m of lib.movies) if (m.ids.tmdb && m.tmdbPosterPath) posterOf.set(`/history/poster/movie/${m.ids.tmdb}`, m.tmdbPosterPath);
  for (const s of lib.shows) if (s.ids.tmdb && s.tmdbPosterPath) posterOf.set(`/history/poster/tv/${s.ids.tmdb}`, s.tmdbPosterPath);
  trakt = await startTraktFake({ rateLimits: false, users: [{ username: owner, name: 'Owner' }] });
  seedTraktFromLibrary(trakt, lib);
  tmdb = await startTmdbFake({ rateLimit: false });
  seedTmdbFromLibrary(tmdb, lib);
  tmdbPort = Number(new URL(tmdb.origin).port);
  const env = {
    ...loopbackServiceEnv(PASSWORD),
    ...traktEnv(trakt),
    ...tmdbEnv(tmdb),
  };
  await preconnectTrakt(env, trakt, owner, { name: 'Owner' });
  // THE poster service of this process, with a clock the test can move.
  service = await startService(loadConfig(env), { logSink: logs, tune: { posters: { now: () => Date.now() + skew, timeoutMs: CLIENT_TIMEOUT_MS } } });

  // The mirror fills from the Trakt emulator in the background.
  const account = (await defaultTraktAccount(service.deps.db))!;
  const want = trakt.plays(owner).length;
  expect(want).toBeGreaterThan(10);
  const until = Date.now() + 30_000;
  while (countPlays(service.deps.sqlite, account.id) < want) {
    if (Date.now() > until) throw new Error(`history mirror has ${countPlays(service.deps.sqlite, account.id)} of ${want} plays`);
    await new Promise((r) => setTimeout(r, 50));
  }

  http = new FormClient({ request: (p, init) => fetch(p, init) }, service.url);
  await http.get('/login');
  const login = await http.post('/login', { password: PASSWORD });
  expect([302, 303]).toContain(login.status);
}, 60_000);

afterAll(async () => {
  await service?.close();
  await Promise.allSettled([trakt?.stop(), tmdb?.stop()]);
});

interface PosterSlot {
  path: string; // /history/poster/movie/603 (pending only)
  url: string; // with ?title= (pending only)
  title: string; // the row's title
  state: 'pending' | 'none' | 'loaded';
}

/** The history page, timed, with every row's poster slot. */
async function historyPage(): Promise<{ ms: number; status: number; slots: PosterSlot[]; html: string }> {
  const t0 = performance.now();
  const res = await http.get('/history');
  const html = await res.text();
  const ms = performance.now() - t0;
  const slots: PosterSlot[] = [];
  // One slot per play row: its poster tag and its title.
  for (const row of html.split('<li class="play ').slice(1)) {
    const tag = /<(?:div|img)\b[^>]*class="poster[^"]*"[^>]*>/.exec(row)?.[0] ?? '';
    const title = /class="play-title[^"]*">([^<]*)/.exec(row)?.[1] ?? '';
    const state = /data-poster="(\w+)"/.exec(tag)?.[1] as PosterSlot['state'];
    const hx = /hx-get="([^"]+)"/.exec(tag)?.[1]?.replaceAll('&amp;', '&') ?? '';
    slots.push({ path: hx ? new URL(hx, 'http://x').pathname : '', url: hx, title, state });
  }
  return { ms, status: res.status, slots, html };
}

/** One poster request, as the page's placeholder makes it when revealed. */
async function posterFragment(slot: PosterSlot): Promise<{ ms: number; status: number; html: string }> {
  const t0 = performance.now();
  const res = await http.get(slot.url, { 'hx-request': 'true' });
  const html = await res.text();
  return { ms: performance.now() - t0, status: res.status, html };
}

async function healthy(): Promise<void> {
  const res = await fetch(`${service.url}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
}

/** Distinct poster lookups (several rows share a show's poster) with a poster on TMDB. */
let chosen: PosterSlot[] = [];

function apiRequestsSince(mark: number): number {
  return tmdb.server.requests.slice(mark).filter((r) => r.path.startsWith('/3/')).length;
}

interface Fault {
  name: string;
  apply(): Promise<void> | void;
  recover(): Promise<void> | void;
  /** The longest one poster request may take while the fault lasts. */
  boundMs: number;
}

const FAULTS: Fault[] = [
  {
    name: 'down (connection refused)',
    apply: () => tmdb.stop(),
    recover: async () => {
      await tmdb.start(tmdbPort);
    },
    boundMs: 2000,
  },
  {
    name: 'slow (answers after the client gave up)',
    apply: () => {
      tmdb.server.latencyMs = CLIENT_TIMEOUT_MS + 2000;
    },
    recover: () => {
      tmdb.server.latencyMs = 0;
    },
    boundMs: CLIENT_TIMEOUT_MS + 2000,
  },
  {
    name: 'garbage (200 with HTML instead of JSON)',
    apply: () => tmdb.server.inject('/3/', { kind: 'garbage', body: '<html><body>Bad gateway, but 200</body></html>', contentType: 'text/html' }, 10_000),
    recover: () => tmdb.server.clearFaults(),
    boundMs: 2000,
  },
  {
    name: 'garbage (JSON of the wrong shape)',
    apply: () => tmdb.server.inject('/3/', { kind: 'garbage', body: '{"poster_path":{"oops":true},"images":"no"}' }, 10_000),
    recover: () => tmdb.server.clearFaults(),
    boundMs: 2000,
  },
  {
    name: '429 (rate limited, Retry-After 1)',
    apply: () =>
      tmdb.server.inject('/3/', { kind: 'status', status: 429, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: { success: false, status_code: 25, status_message: 'Your request count (41) is over the allowed limit of 40.' } }, 10_000),
    recover: () => tmdb.server.clearFaults(),
    boundMs: 4000,
  },
];

describe('the History page while TMDB misbehaves', () => {
  it('before any fault: the page offers placeholders that look their posters up', async () => {
    const page = await historyPage();
    expect(page.status).toBe(200);
    // Plain titles only, so the title in the poster URL and in the img's alt compare as they are.
    // A title that two posters share (a movie and a show both called "The Ghost") would not say which is which.
    const pathsOf = new Map<string, Set<string>>();
    for (const s of page.slots) pathsOf.set(s.title, (pathsOf.get(s.title) ?? new Set()).add(s.path));
    const pending = page.slots.filter((s) => s.state === 'pending' && posterOf.has(s.path) && /^[\w ]+$/.test(s.title) && pathsOf.get(s.title)!.size === 1);
    const distinct = [...new Map(pending.map((s) => [s.path, s])).values()];
    expect(distinct.length).toBeGreaterThanOrEqual(4);
    chosen = distinct.slice(0, 4);
    // Placeholders carry the title's initials until a poster arrives.
    for (const s of chosen) expect(page.html).toContain(`>${initials(s.title)}</div>`);
  });

  for (const fault of FAULTS) {
    it(`TMDB ${fault.name}: the page answers 200 at once with initials; posters appear once TMDB recovers`, async () => {
      expect(chosen.length).toBeGreaterThan(0);
      await fault.apply();
      try {
        // The page never waits on TMDB.
        const page = await historyPage();
        expect(page.status).toBe(200);
        expect(page.ms).toBeLessThan(PAGE_BOUND_MS);
        const states = new Map(page.slots.map((s) => [s.title, s.state]));
        for (const s of chosen) expect(states.get(s.title)).toBe('pending');

        // The placeholders' own requests answer within their bound, with initials, never an error page.
        const mark = tmdb.server.requests.length;
        const answers = await Promise.all(chosen.map((s) => posterFragment(s)));
        answers.forEach((a, i) => {
          expect(a.status).toBe(200);
          expect(a.ms).toBeLessThan(fault.boundMs + 1000);
          expect(a.html).toContain('data-poster="none"');
          expect(a.html).toContain(`>${initials(chosen[i]!.title)}</div>`);
          expect(a.html).not.toContain('<img');
        });

        // The failure is remembered: the next page shows initials without asking TMDB again.
        const asked = apiRequestsSince(mark);
        const again = await historyPage();
        expect(again.status).toBe(200);
        expect(again.ms).toBeLessThan(PAGE_BOUND_MS);
        const after = new Map(again.slots.map((s) => [s.title, s.state]));
        for (const s of chosen) expect(after.get(s.title)).toBe('none');
        expect(apiRequestsSince(mark)).toBe(asked);
        await healthy();
        // Other pages are unaffected.
        expect((await http.get('/')).status).toBe(200);
      } finally {
        await fault.recover();
      }

      // TMDB is back. Until the remembered failure expires (10 minutes) the initials stay…
      expect(new Map((await historyPage()).slots.map((s) => [s.title, s.state])).get(chosen[0]!.title)).toBe('none');
      // …then the placeholders look again, and the posters appear.
      skew += 11 * MINUTE;
      const page = await historyPage();
      const states = new Map(page.slots.map((s) => [s.title, s.state]));
      for (const s of chosen) expect(states.get(s.title)).toBe('pending');
      const answers = await Promise.all(chosen.map((s) => posterFragment(s)));
      answers.forEach((a, i) => {
        expect(a.status).toBe(200);
        expect(a.html).toContain('data-poster="loaded"');
        expect(a.html).toContain(`src="${tmdb.imageBaseUrl}/w154${posterOf.get(chosen[i]!.path)}"`);
      });
      // The image itself loads from TMDB's image host.
      const img = await fetch(`${tmdb.imageBaseUrl}/w154${posterOf.get(chosen[0]!.path)}`);
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toMatch(/^image\//);
      // And the page now renders them as images straight from the cache.
      const loaded = await historyPage();
      const now = new Map(loaded.slots.map((s) => [s.title, s.state]));
      for (const s of chosen) expect(now.get(s.title)).toBe('loaded');

      // Forget the posters again (30-day cache) so the next fault starts from placeholders.
      service.deps.sqlite.prepare('delete from tmdb_posters').run();
      await healthy();
    }, 30_000);
  }

  it('logged nothing at error level for poster trouble, and never the TMDB key', () => {
    const text = logs.text();
    expect(text).not.toContain(DEFAULT_TMDB_API_KEY);
    const errors = logs.lines.filter((l) => /"level":(50|60)/.test(l) && /tmdb|poster/i.test(l));
    expect(errors).toEqual([]);
  });
});
