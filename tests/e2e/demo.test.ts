/**
 * The demo (what `npm run demo` starts) in a real browser: sign in with the printed password,
 * every page, a sync that sends Plex's watched items to the Trakt emulator, the simulated
 * viewer's webhooks on the events page, a test event from the dashboard, and the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { NAV } from '../../views/layout.js';
import { startDemo, type Demo } from '../fakes/demo/start.js';
import { isEdgeKey } from '../fakes/library/index.js';
import { launchBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture } from '../helpers/context.js';

let demo: Demo;
let browser: BrowserContext;
const log = new LogCapture();

beforeAll(async () => {
  demo = await startDemo({ port: 0, viewerEverySec: 2, logSink: log });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  const dir = demo?.dataDir;
  await demo?.stop();
  if (dir) expect((await import('node:fs')).existsSync(dir)).toBe(false); // the temporary data is gone
});

describe('the demo in a browser', () => {
  it('signs in, shows every page, syncs, takes the viewer’s webhooks and a test event, and shows the history', async () => {
    const { library, trakt, url } = demo;
    const owner = library.owner.traktUsername;
    expect(demo.dataDir).not.toContain(process.cwd()); // never ./data
    const page = await browser.newPage();
    const problems = watchConsole(page);

    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=password]', demo.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${url}/`);

    for (const item of NAV) {
      await page.goto(`${url}${item.href}`);
      expect(await page.locator('nav a[aria-current=page]').textContent()).toBe(item.label);
    }
    // Settings shows both connections as made.
    await page.goto(`${url}/settings`);
    const settings = (await page.locator('main').textContent()) ?? '';
    expect(settings).toContain(owner);
    expect(settings).toContain(demo.plex.pmsUrl);
    expect(settings).toContain('Set by PLEX_URL and PLEX_TOKEN');

    // A sync from the dashboard: the movies watched only in Plex (ordinary ones, with ids) reach the Trakt emulator.
    const plexOnly = library.movies.filter((m) => m.agent === 'modern' && !isEdgeKey(m.key) && m.traktId !== null && m.plex.viewCount > 0 && m.trakt.plays.length === 0);
    expect(plexOnly.length).toBeGreaterThan(0);
    const before = trakt.plays(owner).length;
    await page.goto(url);
    await page.click('#run-sync-now');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#card-sync')?.textContent?.includes('Last run'), undefined, { timeout: 90_000 });
    expect(await page.locator('#card-sync [data-status]').getAttribute('data-status')).toBe('succeeded');
    const played = new Set(trakt.plays(owner).filter((p) => p.type === 'movie').map((p) => p.trakt));
    expect(plexOnly.filter((m) => !played.has(m.traktId!))).toEqual([]);
    expect(trakt.plays(owner).length).toBeGreaterThan(before);

    // The test event explains itself and sends nothing.
    const plays = trakt.plays(owner).length;
    await page.click('#send-test-event');
    await page.locator('#test-event-result p').waitFor({ timeout: 5000 });
    expect(await page.locator('#test-event-result').textContent()).toContain('Nothing was sent now');

    // The simulated viewer's webhooks: its first item is scrobbled once and listed as sent.
    await expect.poll(() => demo.viewer!.played.length, { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    await expect.poll(() => trakt.plays(owner).length, { timeout: 20_000 }).toBeGreaterThan(plays);
    await page.goto(`${url}/events`);
    expect(await page.locator('.event-status', { hasText: 'sent' }).count()).toBeGreaterThan(0);

    // The history lists the plays, newest first, with the total.
    await page.goto(`${url}/history`);
    await expect.poll(() => page.locator('#history-list li.play').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('#history-total').textContent()).toMatch(/^\d[\d,]* plays$/);

    expect(problems).toEqual([]);
  }, 180_000);
});
