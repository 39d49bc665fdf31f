/**
 * Every page, once per mode (a 390 px phone in light, a 1280 px desktop and the phone in dark), in one
 * browser with one login, against the demo world after a sync, a viewing that reached Trakt,
 * a failed event and something playing: axe-core finds no serious or critical violation, a
 * phone never scrolls sideways and opens the menu behind its button, dark mode is dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { finishWebhookEvent, insertWebhookEvent } from '../../src/db/repos/webhook-events.js';
import type { EventWorker } from '../../src/scrobble/worker.js';
import { startDemo, type Demo } from '../fakes/demo/start.js';
import { viewingOrder } from '../fakes/demo/viewer.js';
import { emitWebhook } from '../fakes/plex/index.js';
import { launchBrowser, screenshot, watchConsole } from '../helpers/browser.js';
import { LogCapture } from '../helpers/context.js';

let demo: Demo;
let browser: BrowserContext;
let runId = 0;
let playedEventId = 0;
// Evaluated through the DevTools protocol, which the pages' CSP (script-src 'self') does not block.
const AXE = fs.readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

beforeAll(async () => {
  demo = await startDemo({ port: 0, movies: 24, shows: 3, viewerEverySec: 0, logSink: new LogCapture() });
  const { deps } = demo.service;
  const run = await deps.sync.start({ trigger: 'manual' });
  runId = run.runId;
  await run.done;
  // A viewing that reaches Trakt, a failed event, and a second item left playing.
  const [first, second] = viewingOrder(demo.library);
  for (const [event, share] of [['media.play', 0.02], ['media.scrobble', 0.91], ['media.stop', 0.95]] as const) {
    await emitWebhook(demo.plex.pms, { event, ref: first!.key, viewOffsetMs: Math.round(first!.durationMs * share) });
  }
  await (deps.webhookQueue as EventWorker).idle();
  playedEventId = (deps.sqlite.prepare("select id from webhook_events where event = 'media.scrobble' order by id desc limit 1").get() as { id: number }).id;
  const failed = insertWebhookEvent(deps.sqlite, { receivedAt: Date.now(), event: 'media.scrobble', accountId: 1, accountTitle: 'owner', serverUuid: null, serverTitle: null, playerTitle: 'Phone', ratingKey: '1', mediaType: 'movie', title: 'A Movie Trakt Refused (2001)', payload: '{"event":"media.scrobble"}' });
  await finishWebhookEvent(deps.db, failed, { status: 'failed', reason: 'Trakt does not know this item (404). Check its match in Plex, then press Retry.', traktAnswer: { status: 404, body: '' } });
  demo.plex.pms.setSession({ ref: second!.key, state: 'playing', viewOffsetMs: Math.round(second!.durationMs * 0.4) });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const MODES = [
  { name: 'phone', width: 390, height: 844, scheme: 'light' as const },
  { name: 'dark', width: 1280, height: 900, scheme: 'dark' as const },
  { name: 'phone-dark', width: 390, height: 844, scheme: 'dark' as const },
];

async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return (r.violations as any[]).map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n: any) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.join(' | ')}`);
}

/** The outermost elements that stick out past the screen's right edge, to say what to fix. */
async function overflowing(page: Page, width: number): Promise<string> {
  return page.evaluate((w) => {
    const doc = (globalThis as any).document;
    const out: string[] = [];
    for (const el of doc.querySelectorAll('body *')) {
      if (el.getBoundingClientRect().right <= w + 1) continue;
      if (el.parentElement && el.parentElement.getBoundingClientRect().right > w + 1) continue;
      out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${String(el.className).split(' ').slice(0, 4).join('.')} "${(el.textContent ?? '').trim().slice(0, 30)}"`);
      if (out.length >= 4) break;
    }
    return out.join(' | ');
  }, width);
}

async function settle(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => !!(globalThis as any).htmx && (globalThis as any).document.readyState === 'complete', undefined, { timeout: 10_000 });
}

describe('every page on a phone and in dark mode', () => {
  it('has no serious accessibility violation, fits a 390 px screen, and is dark in dark mode', async () => {
    const { url } = demo;
    const page = await browser.newPage();
    const consoleProblems = watchConsole(page);
    const problems: string[] = [];
    const pages = [
      ['dashboard', '/'],
      ['runs', '/runs'],
      ['run', `/runs/${runId}`],
      ['events', `/events?open=${playedEventId}`],
      ['history', '/history'],
      ['settings', '/settings'],
      ['logs', '/logs'],
      ['unmatched', '/unmatched'],
    ] as const;

    for (const mode of MODES) {
      await page.setViewportSize({ width: mode.width, height: mode.height });
      await page.emulateMedia({ colorScheme: mode.scheme });
      if (mode === MODES[0]) {
        await settle(page, `${url}/login`);
        problems.push(...(await axeProblems(page)).map((p) => `${mode.name} login: ${p}`));
        await page.fill('input[name=password]', demo.password);
        await page.click('button[type=submit]');
        await page.waitForURL(`${url}/`);
      }
      for (const [name, href] of pages) {
        await settle(page, `${url}${href}`);
        problems.push(...(await axeProblems(page)).map((p) => `${mode.name} ${name}: ${p}`));
        const width = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number);
        if (width > mode.width) problems.push(`${mode.name} ${name}: the page is ${width} px wide on a ${mode.width} px screen: ${await overflowing(page, mode.width)}`);
        if (mode.scheme === 'dark') {
          const bg = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor as string);
          const [r, g, b] = (bg.match(/\d+/g) ?? ['255', '255', '255']).map(Number);
          if (r! + g! + b! > 150) problems.push(`${mode.name} ${name}: the background is ${bg}, not dark`);
        }
        if (name === 'dashboard' || name === 'events') await screenshot(page, `sweep-${mode.name}-${name}`); // to look at; the rest are checked above
      }
    }

    // On a phone: tables say where their other columns are; the history chart's labels stay readable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'light' });
    await settle(page, `${url}/events`);
    expect(await page.locator('#events-narrow-hint').isVisible()).toBe(true);
    expect(await page.locator('#event-rows td:nth-child(2)').first().isVisible()).toBe(false); // the event's name is under Details
    await settle(page, `${url}/runs`);
    expect(await page.locator('#runs-narrow-hint').isVisible()).toBe(true);
    await settle(page, `${url}/history`);
    const labelSizes = await page.locator('#history-chart .chart-label').evaluateAll((els) => els.map((e) => parseFloat((globalThis as any).getComputedStyle(e).fontSize)));
    expect(labelSizes.length).toBeGreaterThan(0);
    expect(Math.min(...labelSizes)).toBeGreaterThanOrEqual(11);

    // The phone menu: folded behind its button, opened by it.
    await page.setViewportSize({ width: 390, height: 844 });
    await settle(page, `${url}/`);
    expect(await page.locator('nav[aria-label=Main]').isVisible()).toBe(false);
    const headerHeight = await page.locator('header').evaluate((h) => h.getBoundingClientRect().height);
    expect(headerHeight).toBeLessThan(80);
    await page.click('#nav-toggle');
    expect(await page.locator('#nav-toggle').getAttribute('aria-expanded')).toBe('true');
    await page.locator('nav[aria-label=Main] a[href="/events"]').click();
    await page.waitForURL(`${url}/events`);

    expect(problems).toEqual([]);
    expect(consoleProblems).toEqual([]);
  }, 180_000);

  it('shows what starts playing and the play landing on Trakt live, without a reload', async () => {
    const { url, library } = demo;
    const page = await browser.newPage();
    const consoleProblems = watchConsole(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await settle(page, `${url}/`);
    await expect.poll(() => demo.service.deps.bus.hasSubscribers('dashboard'), { timeout: 5000 }).toBe(true);
    await page.evaluate(() => ((globalThis as any).__sameDocument = true));
    const third = viewingOrder(library)[2]!;
    const item = demo.plex.pms.resolve(third.key);
    const title = item.type === 'episode' ? item.show!.title : item.title;

    await emitWebhook(demo.plex.pms, { event: 'media.play', ref: third.key, viewOffsetMs: Math.round(third.durationMs * 0.1) });
    await expect.poll(() => page.locator(`#now-playing-body li[data-rating-key="${item.ratingKey}"]`).count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator(`#now-playing-body li[data-rating-key="${item.ratingKey}"]`).textContent()).toContain(title);

    await emitWebhook(demo.plex.pms, { event: 'media.scrobble', ref: third.key, viewOffsetMs: Math.round(third.durationMs * 0.92) });
    await expect.poll(() => page.locator('#recent-plays-body li').first().textContent(), { timeout: 15_000 }).toContain(title);
    expect(await page.locator('#recent-plays-body li .recent-play-latency').first().textContent()).toMatch(/^on Trakt \d+(\.\d)? (ms|s|min) later$/);

    await emitWebhook(demo.plex.pms, { event: 'media.stop', ref: third.key, viewOffsetMs: Math.round(third.durationMs * 0.95) });
    await expect.poll(() => page.locator(`#now-playing-body li[data-rating-key="${item.ratingKey}"]`).count(), { timeout: 10_000 }).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
    expect(consoleProblems).toEqual([]);
    await page.close();
  }, 60_000);

  it("opening an event's Details keeps the table's columns and its Close button on screen", async () => {
    const { url } = demo;
    const page = await browser.newPage();
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await settle(page, `${url}/events`);
      const row = page.locator(`#event-${playedEventId}`);
      const decision = row.locator('td:nth-child(7)'); // time, event, source, account, player, item, decision
      const before = await decision.evaluate((td) => td.getBoundingClientRect().width);
      await row.locator('button.event-details').click();
      const detail = page.locator(`#event-detail-${playedEventId}`);
      await detail.locator('.event-timeline').waitFor({ timeout: 5000 });
      expect(await detail.locator('[data-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['received', 'decided', 'sent', 'answered']);
      expect(await detail.locator('.event-detail-words').textContent()).toBe('scrobbled at 91 %');
      expect(await detail.locator('.event-raw-answer').textContent()).toContain('"action": "scrobble"');
      const after = await decision.evaluate((td) => td.getBoundingClientRect().width);
      expect(Math.abs(after - before)).toBeLessThan(2); // the Decision column is not squeezed
      // The table fits its box (nothing to scroll sideways to), and Close is inside what is shown.
      const wrapper = page.locator('#event-rows').locator('xpath=ancestor::div[1]');
      const fits = await wrapper.evaluate((w) => w.scrollWidth <= w.clientWidth + 1);
      expect(fits).toBe(true);
      const close = detail.locator('button.event-detail-close');
      const box = (await close.boundingBox())!;
      const shown = (await wrapper.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(Math.min(width, shown.x + shown.width));
      await close.click();
      await expect.poll(() => page.locator(`#event-detail-${playedEventId} .event-timeline`).count()).toBe(0);
      expect(await decision.evaluate((td) => td.getBoundingClientRect().width)).toBeCloseTo(before, 0);
    }
    await page.close();
  }, 60_000);
});
