/**
 * Issue 19 ("what a newcomer trips over"), the sync side, in a real browser against one app,
 * the Trakt emulator and the Plex stand-in:
 *  1. what Trakt did not know is asked again by a full sync and after a day, and the Unmatched
 *     page stops listing it once Trakt knows it;
 *  4. one "unmatched" number: the dashboard's count (a link), the run's count and the page agree;
 *  5. a run's page follows the run to its end without a reload (plan, request counts, finish, writes);
 *  6. a run with writes Trakt refused is partial; failed rows are highlighted and filterable;
 *  9. the runs page has "Run sync now";
 * 13. the same title twice in a run's ledger shows year and library;
 * 14. the dry run's "See run N" is a link.
 */
import { serve } from '@hono/node-server';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/db/repos/sync-runs.js';
import { NOT_FOUND_TTL_MS } from '../../src/ledger/not-found.js';
import { launchBrowser, screenshot, setUpInBrowser, watchConsole } from '../helpers/browser.js';
import { buildLibrary, SECTION_MOVIES } from '../sync/sync-library.js';
import { makeSyncWorld, type SyncWorld } from '../sync/sync-world.js';

const T = 1_750_000_000;
const SECTION_4K = 3;
let w: SyncWorld;
let server: http.Server;
let url = '';
let browser: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  const lib = buildLibrary({ movies: 6, shows: 0, episodesPerShow: 0 });
  lib.sections.push({ id: SECTION_4K, title: 'Movies 4K', type: 'movie', agent: 'tv.plex.agents.movie' });
  // Movies 1-3: watched in Plex only. Movies 4 and 6: watched in Plex, not (yet) known to Trakt.
  for (const i of [0, 1, 2, 3, 5]) lib.movies[i]!.plex = { viewCount: 1, lastViewedAt: T + i };
  lib.movies[3]!.traktId = null;
  lib.movies[5]!.traktId = null;
  // Movie 5: in two libraries, watched on Trakt only, so both copies are marked in Plex.
  lib.movies[4]!.sectionIds = [SECTION_MOVIES, SECTION_4K];
  lib.movies[4]!.trakt = { plays: [new Date(T * 1000).toISOString()] };
  w = await makeSyncWorld(lib, { runner: { progressMs: 20 } });
  server = await new Promise<http.Server>((resolve) => {
    const s = serve({ fetch: w.ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  problems = watchConsole(page);
  await setUpInBrowser(page, url, w.ctx.deps.setupCode!);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  w?.ctx.deps.bus.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await w?.close();
});

const M4 = 600_003;
const M6 = 600_005;
const playsOf = (trakt: number) => w.trakt.plays('alice').filter((p) => p.trakt === trakt).length;
const waitDone = (id: string) =>
  page.waitForFunction((i) => (globalThis as any).document.querySelector(`#run-progress-${i}`)?.getAttribute('data-phase') === 'done', id, { timeout: 20_000 });

describe('issue 19 in a browser: runs, unmatched, ledger', () => {
  it('9 + 5 + 6 + 13: Run sync now on the runs page; the run page keeps up; failed writes stand out', async () => {
    await page.goto(`${url}/runs`);
    expect(await page.locator('main').textContent()).toContain('Press "Run sync now" above');
    // Slow enough that the page is open before the plan exists.
    w.plex.server.latencyMs = 150;
    w.trakt.server.latencyMs = 150;
    await page.click('#runs-run-sync-now');
    await page.waitForURL(/\/runs\/\d+$/);
    const id = page.url().split('/').pop()!;
    expect(await page.locator(`#run-plan-${id}`).textContent()).toContain('The plan appears once both sides have been read');
    expect(await page.locator(`#run-facts-${id}`).textContent()).not.toContain('finished');

    await waitDone(id);
    // Without a reload: the plan, the request counts, the finish time and the writes.
    await expect.poll(() => page.locator(`#run-facts-${id}`).textContent(), { timeout: 5000 }).toContain('finished');
    expect(await page.locator(`#run-facts-${id}`).textContent()).toMatch(/Trakt writes [1-9]/);
    expect(await page.locator(`#run-plan-${id}`).textContent()).toContain('Plays to add to Trakt');
    await expect.poll(() => page.locator(`#run-ledger-${id} tr[data-ledger-status]`).count(), { timeout: 5000 }).toBeGreaterThan(0);
    w.plex.server.latencyMs = 0;
    w.trakt.server.latencyMs = 0;

    // Trakt did not know two of the plays: the run is partial, not succeeded.
    expect(await page.locator(`#run-progress-${id} [data-status]`).getAttribute('data-status')).toBe('partial');
    expect(await page.locator(`#run-progress-${id}`).textContent()).toContain('Trakt did not know 2 item(s)');

    await page.reload();
    const failedRows = page.locator('#run-ledger tr[data-ledger-status=failed]');
    expect(await failedRows.count()).toBe(2);
    expect(await failedRows.first().getAttribute('class')).toContain('bg-rose-50');
    await page.click('#ledger-failed-filter');
    await page.waitForURL(/ledger=failed/);
    // The address can change before htmx has swapped the table in: wait for the rows.
    await expect.poll(() => page.locator('#run-ledger tr[data-ledger-status]').count(), { timeout: 5000 }).toBe(2);
    expect(await page.locator('#run-ledger tr[data-ledger-status=sent]').count()).toBe(0);
    // A live update of the finished run (the late one after its last log lines) keeps the filter:
    // it replaces the run's facts, not a filtered list with the whole one.
    await page.evaluate((i) => ((globalThis as any).document.querySelector(`#run-facts-${i}`).dataset.stale = '1'), id);
    await expect
      .poll(
        async () => {
          w.ctx.deps.runPublisher.publish((await getRun(w.ctx.deps.db, Number(id)))!);
          return page.evaluate((i) => (globalThis as any).document.querySelector(`#run-facts-${i}`)?.dataset.stale ?? 'replaced', id);
        },
        { timeout: 5000 },
      )
      .toBe('replaced');
    expect(await page.locator('#run-ledger tr[data-ledger-status]').count()).toBe(2);

    // The same title twice (two libraries), told apart by year and library.
    await page.goto(`${url}/runs/${id}`);
    const items = await page.locator('#run-ledger tr[data-ledger-status] .ledger-item').allTextContents();
    expect(items.filter((t) => t.startsWith('Movie 5')).sort()).toEqual(['Movie 5 (1985) · Movies', 'Movie 5 (1985) · Movies 4K']);
    await screenshot(page, 'newcomer-run-ledger');
  }, 60_000);

  it('4: one unmatched number, linked from the dashboard to the page that lists them', async () => {
    await page.goto(url);
    const link = page.locator('#sync-card-unmatched');
    expect(await link.textContent()).toBe('2 unmatched');
    await link.click();
    await page.waitForURL(`${url}/unmatched`);
    expect(await page.locator('main').textContent()).toContain('2 item(s).');
    expect(await page.locator('#unmatched-table tbody tr').count()).toBe(2);
    await page.goto(`${url}/runs`);
    const cells = await page.locator('#run-rows tr').first().locator('td').allTextContents();
    expect(cells[7]).toBe('2'); // the Unmatched column
  });

  it('1: Trakt is asked again after a day and by a full sync; the Unmatched page follows', async () => {
    // Trakt's catalogue grew: it knows both movies now.
    for (const i of [3, 5]) {
      const m = w.lib.movies[i]!;
      w.trakt.catalogue.addMovie({ trakt: 600_000 + i, title: m.title, year: m.year, imdb: m.ids.imdb, tmdb: m.ids.tmdb });
    }
    // An ordinary run within the day still believes the not_found.
    const quick = await w.run();
    expect(quick.full_walk).toBe(0);
    expect(JSON.parse(quick.plan!).counts.skippedNotFound).toBe(2);
    expect(playsOf(M4) + playsOf(M6)).toBe(0);

    // A day later, Movie 4's memory has expired: the next ordinary run sends it.
    w.ctx.deps.sqlite.prepare(`UPDATE trakt_not_found SET at = at - ? WHERE title = 'Movie 4'`).run(NOT_FOUND_TTL_MS + 1000);
    const later = await w.run();
    expect(later).toMatchObject({ status: 'succeeded', added_to_trakt: 1, not_found: 0, unmatched: 1 });
    expect(playsOf(M4)).toBe(1);
    await page.goto(`${url}/unmatched`);
    expect(await page.locator('#unmatched-table').textContent()).toContain('Movie 6');
    expect(await page.locator('#unmatched-table').textContent()).not.toContain('Movie 4');

    // "Full sync" from the dashboard asks Trakt about everything again: Movie 6 lands too.
    await page.goto(url);
    await page.click('#run-full-sync');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#card-sync')?.textContent?.includes('Last run'), undefined, { timeout: 20_000 });
    expect(await page.locator('#card-sync [data-status]').getAttribute('data-status')).toBe('succeeded');
    expect(playsOf(M6)).toBe(1);
    expect(playsOf(M4)).toBe(1); // never twice
    await page.goto(`${url}/unmatched`);
    expect(await page.locator('main').textContent()).toContain('Everything is matched');
  }, 60_000);

  it('14: the dry run names its run with a link', async () => {
    await page.goto(`${url}/settings#sync`);
    await page.click('#sync-dry-run');
    const link = page.locator('#sync-dry-run-link');
    await link.waitFor({ timeout: 5000 });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^\/runs\/\d+$/);
    await link.click();
    await page.waitForURL(`${url}${href}`);
    expect(await page.locator('h1').textContent()).toBe(`Sync run ${href.split('/').pop()}`);
    expect(problems).toEqual([]);
  });
});
