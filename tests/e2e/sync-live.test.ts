/**
 * In a real browser: "Run sync now" on the dashboard, and the card's progress and the run
 * page's progress and log update live over SSE until the run is done, without a reload.
 */
import { serve } from '@hono/node-server';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, setUpInBrowser, watchConsole } from '../helpers/browser.js';
import { buildLibrary } from '../sync/sync-library.js';
import { makeSyncWorld, type SyncWorld } from '../sync/sync-world.js';

const T = 1_750_000_000;
let w: SyncWorld;
let server: http.Server;
let url = '';
let browser: BrowserContext;

beforeAll(async () => {
  const lib = buildLibrary({ movies: 6, shows: 1, episodesPerShow: 4 });
  lib.movies.forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: T + i }));
  w = await makeSyncWorld(lib, { runner: { plexPageSize: 2, batchSize: 1 } });
  server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: w.ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  w?.ctx.deps.bus.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await w?.close();
});

describe('live sync progress in the browser', () => {
  it('the dashboard card and the run page follow a run to its end', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await setUpInBrowser(page, url, w.ctx.deps.setupCode!);
    await expect(page.locator('#card-sync').textContent()).resolves.toContain('No sync has run yet');

    // Slow enough to watch: every Plex page and Trakt write takes a while.
    w.plex.server.latencyMs = 120;
    w.trakt.server.latencyMs = 120;
    await page.click('#run-sync-now');
    await page.waitForSelector('#card-sync [data-phase]');
    // Live updates move the phase along without a reload…
    await page.waitForSelector('#card-sync [data-phase="writing"]', { timeout: 10_000 });
    await screenshot(page, 'sync-card-running');
    // …and end with the last run's summary.
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#card-sync')?.textContent?.includes('Last run'), undefined, { timeout: 15_000 });
    expect(await page.locator('#card-sync [data-status]').getAttribute('data-status')).toBe('succeeded');
    expect(await page.locator('#card-sync').textContent()).toContain('6 added to Trakt');

    // The run page of a second run streams its log lines and progress. Plex answers slowly enough
    // that the run is surely still going when its page has loaded (on a loaded machine it was not).
    w.plex.server.latencyMs = 700;
    await page.click('#run-sync-now');
    await page.waitForSelector('#card-sync a[href^="/runs/"]');
    const href = await page.locator('#card-sync a[href^="/runs/"]').first().getAttribute('href');
    await page.goto(`${url}${href}`);
    const id = href!.split('/').pop();
    const before = await page.locator(`#run-log-${id} tr`).count();
    expect(await page.locator(`#run-progress-${id}`).getAttribute('data-phase')).not.toBe('done');
    await page.waitForFunction((i) => (globalThis as any).document.querySelector(`#run-progress-${i}`)?.getAttribute('data-phase') === 'done', id, { timeout: 25_000 });
    // The last lines reach the page after the log store's next batch.
    await page.waitForFunction((i) => (globalThis as any).document.querySelector(`#run-log-${i}`)?.textContent?.includes('finished: succeeded'), id, { timeout: 5_000 });
    expect(await page.locator(`#run-log-${id} tr`).count()).toBeGreaterThan(before);
    await screenshot(page, 'sync-run-detail');
    expect(problems).toEqual([]);
  }, 60_000);
});
