/**
 * The History page in a real browser against the Trakt and TMDB emulators: the
 * background fill, the seeded plays in order with day headings, three pages by scrolling,
 * filters, posters arriving on their own, and a new play appearing at the top live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { countPlays } from '../../src/db/repos/history-plays.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { DEFAULT_TMDB_API_KEY, startTmdbFake, type TmdbFake } from '../fakes/tmdb/index.js';
import { launchBrowser, screenshot, setUpInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { MOVIES, seedCatalogue, seedPlays } from '../http/history-world.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

const PLAYS = 130;

let fake: TraktFake;
let tmdb: TmdbFake;
let service: ServiceHandle;
let browser: BrowserContext;
let accountId: number;

beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false });
  seedCatalogue(fake);
  // The newest play a little before now, so "today" has plays and the new one goes on top.
  seedPlays(fake, PLAYS, Math.floor(Date.now() / 1000) * 1000 - 2 * 3600_000);
  // TMDB knows the seeded movies and the show, each with a poster (its rate limit on: 40 a second).
  tmdb = await startTmdbFake();
  for (let i = 1; i <= MOVIES; i++) tmdb.catalogue.addMovie({ id: 9000 + i, title: `Movie ${i}`, year: 1990 + (i % 30), posterPath: `/movie${i}.jpg` });
  tmdb.catalogue.addShow({ id: 1400, name: 'The Long Show', year: 2015, posterPath: '/longshow.jpg' });
  const env = {
    DATA_DIR: tempDir(),
    PORT: '0',
    HOST: '127.0.0.1',
    TRAKT_API_URL: fake.url,
    TRAKT_OAUTH_URL: fake.url,
    TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID,
    TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    TMDB_API_KEY: DEFAULT_TMDB_API_KEY,
    TMDB_API_URL: tmdb.url,
    TMDB_IMAGE_URL: tmdb.imageBaseUrl,
  };
  // Connected before the service starts, as after a login: the refresher fills the mirror on start.
  const first = await startService(loadConfig(env), { logSink: new LogCapture() });
  const account = await connectTraktAccount(first.deps, fake, 'alice');
  accountId = account.id;
  await first.close();
  service = await startService(loadConfig(env), { logSink: new LogCapture() });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
  await tmdb?.stop();
  await fake?.stop();
});

describe('the History page in a browser', () => {
  it('fills in the background, lists in order, scrolls three pages, filters, shows posters, and takes a new play live', async () => {
    await expect.poll(() => countPlays(service.deps.sqlite, accountId), { timeout: 15_000 }).toBe(PLAYS);
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await setUpInBrowser(page, service.url, service.deps.setupCode!);

    const traktRequests = fake.server.requests.length;
    await page.goto(`${service.url}/history`);
    await expect.poll(() => service.deps.bus.hasSubscribers(`history:${accountId}`), { timeout: 5000 }).toBe(true);
    const expected = fake.plays('alice').map((p) => `play-${p.id}`);
    const shownIds = () => page.locator('#history-list li.play').evaluateAll((els) => els.map((e) => e.id));
    expect(await shownIds()).toEqual(expected.slice(0, 50));
    expect(await page.locator('#history-total').textContent()).toBe(`${PLAYS} plays`);
    // Day headings in the browser's time zone, one per day, before that day's first play.
    const headings = await page.locator('#history-list li.day-heading').count();
    expect(headings).toBeGreaterThan(1);
    expect(headings).toBeLessThan(50);
    expect(await page.locator('#history-list > li').first().getAttribute('class')).toContain('day-heading');
    // The chart: 24 months.
    expect(await page.locator('#history-chart g.chart-month').count()).toBe(24);

    // Posters arrive on their own from the TMDB stand-in.
    await expect.poll(() => page.locator('#history-list img[data-poster=loaded]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const src = await page.locator('#history-list img[data-poster=loaded]').first().getAttribute('src');
    expect(src).toMatch(new RegExp(`^${tmdb.imageBaseUrl}/w154/(movie\\d+|longshow)\\.jpg$`));
    await expect.poll(() => page.locator('#history-list img[data-poster=loaded]').first().evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(154);
    // One lookup per poster, however many rows show it: the show's poster serves all its episodes.
    expect(tmdb.count('/tv/1400')).toBe(1);
    await screenshot(page, 'history');

    // Three pages by scrolling to the end.
    for (let n = 2; n <= 3; n++) {
      await page.locator('#history-more').scrollIntoViewIfNeeded();
      await expect.poll(async () => (await shownIds()).length, { timeout: 5000 }).toBe(Math.min(PLAYS, n * 50));
    }
    expect(await shownIds()).toEqual(expected);
    await page.locator('#history-more').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('#history-more[data-end]').count()).toBe(1);
    expect(fake.server.requests.length).toBe(traktRequests); // opening and scrolling never called Trakt

    // Filters: movies only, then a search.
    await page.locator('label:has-text("Movies")').click();
    await expect.poll(() => page.locator('#history-list li.play[data-type=episode]').count()).toBe(0);
    expect(await page.locator('#history-list li.play[data-type=movie]').count()).toBe(50);
    expect(page.url()).toContain('type=movie');
    expect(await page.locator('h1').count()).toBe(1); // the filter swapped the results only
    await page.fill('input[name=q]', 'Movie 7');
    await expect.poll(async () => (await page.locator('#history-list li.play .play-title').allTextContents()).every((t) => /^Movie 7\b/.test(t))).toBe(true);
    expect(await page.locator('#history-list li.play').count()).toBeGreaterThan(0);
    await page.locator('label:has-text("All")').click();
    await page.fill('input[name=q]', '');
    await expect.poll(async () => (await shownIds()).slice(0, 3), { timeout: 5000 }).toEqual(expected.slice(0, 3));

    // A play added on Trakt's site, then a refresh request (as after a sync or a scrobble): on top, live.
    await page.evaluate(() => ((globalThis as any).__sameDocument = true));
    const id = fake.addPlay('alice', { type: 'movie', trakt: 105 }, new Date().toISOString(), 'watch');
    fake.user('alice').activities.touch('movies', 'watched_at', Date.now());
    service.deps.history.request(accountId);
    await expect.poll(async () => (await shownIds())[0], { timeout: 10_000 }).toBe(`play-${id}`);
    expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
    expect(await page.locator('#history-total').textContent()).toBe(`${PLAYS + 1} plays`);
    expect(await page.locator(`#play-${id} .play-title`).textContent()).toMatch(/^Movie 5/);

    expect(problems).toEqual([]);
  });
});
