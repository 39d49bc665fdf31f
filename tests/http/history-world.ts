/**
 * Shared setup of the history tests: the Trakt emulator with a small catalogue, a service
 * context whose connected account points at it, and helpers to add plays "on Trakt's site".
 */
import { HistoryMirror, type MirrorOptions } from '../../src/history/mirror.js';
import { traktHistorySource } from '../../src/history/source.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

export const MOVIES = 40;
export const SHOW_TRAKT = 5000;
export const EPISODES = 30;
export const BASE = Date.parse('2026-03-01T20:00:00Z');
export const HOUR = 3600_000;

export function seedCatalogue(fake: TraktFake): void {
  for (let i = 1; i <= MOVIES; i++) {
    fake.catalogue.addMovie({ trakt: 100 + i, title: `Movie ${i}`, year: 1990 + (i % 30), imdb: `tt${String(1000000 + i)}`, tmdb: 9000 + i });
  }
  fake.catalogue.addShow({ trakt: SHOW_TRAKT, title: 'The Long Show', year: 2015, tvdb: 70000, tmdb: 1400, imdb: 'tt7000000' });
  for (let e = 1; e <= EPISODES; e++) {
    const season = Math.ceil(e / 10);
    const number = ((e - 1) % 10) + 1;
    fake.catalogue.addEpisode({ trakt: 6000 + e, showTrakt: SHOW_TRAKT, season, number, title: `Episode ${e}`, tvdb: 80000 + e, tmdb: 90000 + e, imdb: null });
  }
}

/** `n` plays, one an hour going back from BASE, alternating movies and episodes. */
export function seedPlays(fake: TraktFake, n: number, from = BASE): void {
  for (let i = 0; i < n; i++) {
    const at = new Date(from - i * HOUR).toISOString();
    if (i % 2 === 0) fake.addPlay('alice', { type: 'movie', trakt: 101 + (i % MOVIES) }, at, 'watch');
    else fake.addPlay('alice', { type: 'episode', trakt: 6001 + (i % EPISODES) }, at, 'scrobble');
  }
}

export interface HistoryWorld {
  fake: TraktFake;
  ctx: TestContext;
  accountId: number;
  mirror(o?: MirrorOptions): Promise<HistoryMirror>;
  close(): Promise<void>;
}

export async function historyWorld(env: Record<string, string> = {}): Promise<HistoryWorld> {
  const fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
  const ctx = await makeTestContext({
    TRAKT_API_URL: fake.url,
    TRAKT_OAUTH_URL: fake.url,
    TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID,
    TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    ...env,
  }, { tune: { trakt: { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }, budgets: { writeIntervalMs: 5 } } } });
  const account = await connectTraktAccount(ctx.deps, fake, 'alice');
  return {
    fake,
    ctx,
    accountId: account.id,
    async mirror(o = {}) {
      const client = await ctx.deps.traktClients.forAccount(account.id);
      return new HistoryMirror(ctx.deps, account.id, traktHistorySource(client), o);
    },
    async close() {
      await ctx.close();
      await fake.stop();
    },
  };
}
