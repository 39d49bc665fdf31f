/**
 * The demo with webhooks off (`npm run demo -- --viewer-sends live`) in a real browser: the
 * dashboard's Plex card says the listener is listening, turns to "reconnecting (attempt …)"
 * live when the socket drops and back again without a reload; the viewer's play reaches Trakt
 * once through the listener alone, and the events page shows it with its source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { startDemo, type Demo } from '../fakes/demo/start.js';
import { startViewer, viewingOrder } from '../fakes/demo/viewer.js';
import { launchBrowser, signInInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture } from '../helpers/context.js';

let demo: Demo;
let browser: BrowserContext;

beforeAll(async () => {
  demo = await startDemo({ port: 0, viewerEverySec: 0, viewerSends: 'live', movies: 30, shows: 3, logSink: new LogCapture() });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('the demo with webhooks off', () => {
  it('the Plex card follows the live connection, and the viewer’s play reaches Trakt once through the listener alone', async () => {
    expect(demo.plex.pms.webhookUrls).toEqual([]);
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await signInInBrowser(page, demo.url, demo.password);
    const line = page.locator('#plex-live-status');
    await expect.poll(() => line.getAttribute('data-state'), { timeout: 15_000 }).toBe('listening');
    expect(await line.textContent()).toMatch(/^Live: listening since /);
    await expect.poll(() => demo.service.deps.bus.hasSubscribers('dashboard'), { timeout: 5_000 }).toBe(true);

    // The server refuses for a moment after the drop: the card says so, live, and recovers on its own.
    await page.evaluate(() => ((globalThis as any).__sameDocument = true));
    demo.plex.pms.notifications.refuseNext(1, 503);
    demo.plex.pms.notifications.drop();
    await expect.poll(() => line.getAttribute('data-state'), { timeout: 10_000 }).toBe('reconnecting');
    expect(await line.textContent()).toMatch(/^Live: reconnecting \(attempt \d+, next in \d+ s\): /);
    await expect.poll(() => line.getAttribute('data-state'), { timeout: 20_000 }).toBe('listening');
    expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);

    const first = viewingOrder(demo.library)[0]!;
    const movie = demo.library.movies.find((m) => m.key === first.key)!;
    const owner = demo.library.owner.traktUsername;
    const viewer = startViewer({ pms: demo.plex.pms, library: demo.library, everyMs: 60_000, stepMs: 300, sends: 'live' });
    try {
      await expect.poll(() => viewer.played.length, { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);
    } finally {
      await viewer.stop();
    }
    const playsOfMovie = () => demo.trakt.plays(owner).filter((p) => p.type === 'movie' && p.trakt === movie.traktId).length;
    await expect.poll(playsOfMovie, { timeout: 30_000 }).toBe(1);

    await page.goto(`${demo.url}/events?source=live`);
    expect(await page.locator('td.event-source[data-source="live"]').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('td.event-source[data-source="webhook"]').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
