/**
 * The demo (what `npm run demo` starts) in a real browser: sign in with the printed password,
 * every page, a sync that sends Plex's watched items to the Trakt emulator (and its unmatched count, the
 * page it links to), the banner's steps on the pages and in the README, the webhook preview from
 * the dashboard, the history, and the simulated viewer's webhooks: its play on top of the
 * open history page without a reload, and its events on the events page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { EventWorker } from '../../src/scrobble/worker.js';
import { defaultTraktAccount } from '../../src/db/repos/trakt-accounts.js';
import { NAV } from '../../views/layout.js';
import { startDemo, type Demo } from '../fakes/demo/start.js';
import { startViewer, viewingOrder } from '../fakes/demo/viewer.js';
import { DEMO_TRY } from '../fakes/demo/try.js';
import fs from 'node:fs';
import { isEdgeKey } from '../fakes/library/index.js';
import { emitWebhook } from '../fakes/plex/index.js';
import { launchBrowser, screenshot, watchConsole } from '../helpers/browser.js';
import { LogCapture } from '../helpers/context.js';

let demo: Demo;
let browser: BrowserContext;
const log = new LogCapture();

beforeAll(async () => {
  demo = await startDemo({ port: 0, viewerEverySec: 0, logSink: log });
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
    await page
      .waitForFunction(() => (globalThis as any).document.querySelector('#card-sync')?.textContent?.includes('Last run'), undefined, { timeout: 90_000 })
      .catch(async (err: Error) => {
        // Say where the run stands and what the service logged, not only that the card did not change.
        const run = demo.service.deps.sqlite.prepare('SELECT id, status, phase, error, started_at, finished_at FROM sync_runs ORDER BY id DESC LIMIT 1').get();
        const card = await page.locator('#card-sync').textContent().catch(() => '?');
        const tail = log.lines.filter((l) => !l.includes('"component":"http"')).slice(-40).join('\n');
        throw new Error(`${err.message}\nlast run: ${JSON.stringify(run)}\ncard: ${card}\nlog tail:\n${tail}`);
      });
    // The demo library has watched items Trakt does not know: the run says so (partial), and the
    // dashboard's unmatched count is the number the Unmatched page lists.
    const status = await page.locator('#card-sync [data-status]').getAttribute('data-status');
    const lastRun = demo.service.deps.sqlite.prepare('SELECT status, not_found, errors, unmatched FROM sync_runs ORDER BY id DESC LIMIT 1').get() as { status: string; not_found: number; errors: number; unmatched: number };
    expect(lastRun.errors).toBe(0);
    expect(status).toBe(lastRun.not_found > 0 ? 'partial' : 'succeeded');
    const unmatchedLink = (await page.locator('#sync-card-unmatched').textContent()) ?? '';
    expect(unmatchedLink).toBe(`${lastRun.unmatched} unmatched`);
    const played = new Set(trakt.plays(owner).filter((p) => p.type === 'movie').map((p) => p.trakt));
    expect(plexOnly.filter((m) => !played.has(m.traktId!))).toEqual([]);
    expect(trakt.plays(owner).length).toBeGreaterThan(before);

    await page.click('#sync-card-unmatched');
    await page.waitForURL(`${url}/unmatched`);
    expect(await page.locator('main').textContent()).toContain(lastRun.unmatched ? `${lastRun.unmatched} item(s).` : 'Everything is matched');
    await page.goto(url);

    // The banner's "Try:" steps are on the pages it names, and the README tells the same.
    const readme = fs.readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    for (const step of DEMO_TRY) {
      const nav = NAV.find((n) => n.label === step.page);
      expect(nav, step.page).toBeDefined();
      if (!step.action) continue;
      await page.goto(`${url}${nav!.href}`);
      expect(await page.locator('button', { hasText: step.action }).count(), `${step.page} → ${step.action}`).toBeGreaterThan(0);
      expect(readme).toContain(`${step.page} → ${step.action}`);
    }
    await page.goto(url);

    // The webhook preview explains itself and sends nothing.
    const plays = trakt.plays(owner).length;
    await page.click('#send-test-event');
    await page.locator('#test-event-result p').waitFor({ timeout: 5000 });
    expect(await page.locator('#test-event-result').textContent()).toContain('Nothing was sent now');

    // The history page is open when the simulated viewer watches a movie through (real webhooks
    // from the emulated server): the play arrives at the top live, without a reload.
    await page.goto(`${url}/history`);
    await expect.poll(() => page.locator('#history-list li.play').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('#history-total').textContent()).toMatch(/^\d[\d,]* plays$/);
    const ownersTrakt = (await defaultTraktAccount(demo.service.deps.db))!.id;
    await expect.poll(() => demo.service.deps.bus.hasSubscribers(`history:${ownersTrakt}`), { timeout: 5000 }).toBe(true);
    await page.evaluate(() => ((globalThis as any).__sameDocument = true));
    const first = viewingOrder(library)[0]!;
    const movie = library.movies.find((m) => m.key === first.key)!;
    const viewer = startViewer({ pms: demo.plex.pms, library, everyMs: 60_000, stepMs: 200 });
    try {
      await expect.poll(() => viewer.played.length, { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);
    } finally {
      await viewer.stop();
    }
    const playsOfMovie = () => trakt.plays(owner).filter((p) => p.type === 'movie' && p.trakt === movie.traktId).length;
    await expect.poll(playsOfMovie, { timeout: 20_000 }).toBe(1);
    await (demo.service.deps.webhookQueue as EventWorker).idle(); // every webhook of the viewing processed
    expect(playsOfMovie()).toBe(1); // exactly once: the stop at 97% after the scrobble added nothing
    expect(trakt.plays(owner).length).toBe(plays + 1);
    await expect.poll(() => page.locator('#history-list li.play .play-title').first().textContent(), { timeout: 20_000 }).toContain(movie.title);
    expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);

    // Its webhooks are on the events page: play, pause, resume and scrobble sent; the stop after it a duplicate.
    await page.goto(`${url}/events`);
    expect(await page.locator('.event-status', { hasText: 'sent' }).count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('.event-status', { hasText: 'duplicate' }).count()).toBeGreaterThanOrEqual(1);

    // The README's picture: the dashboard with the viewer's play landed on Trakt and the next one playing.
    const next = viewingOrder(library)[1]!;
    await emitWebhook(demo.plex.pms, { event: 'media.play', ref: next.key, viewOffsetMs: Math.round(next.durationMs * 0.3) });
    await page.goto(url);
    await page.locator('#now-playing-body li.now-playing').waitFor({ timeout: 10_000 });
    expect(await page.locator('#recent-plays-body li.recent-play').first().textContent()).toContain(movie.title);
    await screenshot(page, 'dashboard');

    expect(problems).toEqual([]);
  }, 180_000);
});
