/**
 * The demo's household in a real browser (Settings → People): the kid is a Plex Home user
 * with a PIN and no Trakt account, the friend already has one. A wrong PIN is a sentence next
 * to the field; the right one is accepted; the kid's own Trakt account is connected by a
 * device code from their row (approved on the Trakt emulator as "demo-kid"); then a play as
 * the kid lands on the kid's Trakt account only, and the events page says whose it was.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_HOUSEHOLD, startDemo, type Demo } from '../fakes/demo/start.js';
import { isEdgeKey } from '../fakes/library/index.js';
import { emitWebhook } from '../fakes/plex/index.js';
import { launchBrowser, signInInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture } from '../helpers/context.js';

const AXE = fs.readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

/** Serious or critical axe-core violations inside Settings → People. */
async function peopleAxeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const doc = (globalThis as any).document;
    const r = await (globalThis as any).axe.run(doc.querySelector('#settings-people'), { resultTypes: ['violations'] });
    return (r.violations as any[]).filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(' | ')}`);
  });
}

let demo: Demo;
let browser: BrowserContext;
const log = new LogCapture();
const { kid, friend } = DEMO_HOUSEHOLD;

beforeAll(async () => {
  demo = await startDemo({ port: 0, viewerEverySec: 0, movies: 30, shows: 3, logSink: log });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('Settings → People in the demo', () => {
  it('a wrong PIN is a sentence next to the field; the kid connects their own Trakt account from their row; their play lands there only', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await signInInBrowser(page, demo.url, demo.password);
    await page.goto(`${demo.url}/settings`);

    const kidRow = page.locator(`#person-${kid.plexAccountId}`);
    await expect(kidRow.getAttribute('data-plex-access')).resolves.toBe('pin_needed');
    await expect(page.locator(`#person-${friend.plexAccountId}`).textContent()).resolves.toContain(friend.traktUsername);
    await expect(page.locator('#person-1').textContent()).resolves.toContain(demo.library.owner.traktUsername);

    expect(await peopleAxeProblems(page)).toEqual([]);
    await page.fill(`#person-${kid.plexAccountId}-pin`, '9999');
    await kidRow.locator('button', { hasText: 'Save PIN' }).click();
    await expect(page.locator(`#person-${kid.plexAccountId}-pin-error`).textContent({ timeout: 5000 })).resolves.toBe(
      'Plex did not accept that PIN for kid: check the four digits with them and enter it again.',
    );
    await expect(page.locator(`#person-${kid.plexAccountId}-pin`).getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await peopleAxeProblems(page)).toEqual([]);
    await page.fill(`#person-${kid.plexAccountId}-pin`, kid.pin);
    await page.locator(`#person-${kid.plexAccountId}`).locator('button', { hasText: 'Save PIN' }).click();
    await expect.poll(() => page.locator(`#person-${kid.plexAccountId}`).getAttribute('data-plex-access'), { timeout: 5000 }).toBe('ok');

    await page.click(`#person-${kid.plexAccountId}-connect`);
    const code = (await page.locator(`#person-${kid.plexAccountId}-device [data-user-code]`).textContent({ timeout: 5000 }))!.trim();
    expect(demo.trakt.approveDevice(code, kid.traktUsername)).toBe(true);
    await expect.poll(() => page.locator(`#person-${kid.plexAccountId}`).textContent(), { timeout: 20_000, interval: 250 }).toContain(`Connected to Trakt as ${kid.traktUsername}.`);

    const movie = demo.library.movies.find((m) => m.traktId !== null && m.agent === 'modern' && !isEdgeKey(m.key) && m.trakt.plays.length === 0 && m.plex.viewCount === 0)!;
    await emitWebhook(demo.plex.pms, { event: 'media.scrobble', ref: movie.key, accountId: kid.plexAccountId, viewOffsetMs: Math.round(movie.durationMs * 0.95) });
    const playsOf = (u: string) => demo.trakt.plays(u).filter((p) => p.type === 'movie' && p.trakt === movie.traktId).length;
    await expect.poll(() => playsOf(kid.traktUsername), { timeout: 15_000, interval: 100 }).toBe(1);
    expect(playsOf(demo.library.owner.traktUsername)).toBe(0);
    expect(playsOf(friend.traktUsername)).toBe(0);

    await page.goto(`${demo.url}/events`);
    const row = page.locator('tr[data-status=sent]').first();
    await expect(row.textContent()).resolves.toContain(kid.plexUsername);
    expect(problems).toEqual([]);
  }, 60_000);
});
