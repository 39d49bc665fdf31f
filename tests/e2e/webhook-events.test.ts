/**
 * The events page in a real browser: a webhook sent while the page is open appears without
 * a reload (and its decision updates live), and Retry on a failed event sends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launchBrowser, screenshot, setUpInBrowser, watchConsole } from '../helpers/browser.js';
import { modernEpisode, modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart } from '../fixtures/webhooks/send.js';
import { settled, startScrobbleHarness, type ScrobbleHarness } from '../fixtures/webhooks/service.js';

let h: ScrobbleHarness;
let browser: BrowserContext;

beforeAll(async () => {
  h = await startScrobbleHarness({ worker: { backoffMs: 20, maxBackoffMs: 40, maxAttempts: 2 } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('webhook events page in a browser', () => {
  it('shows a new webhook live, then Retry sends a failed one', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await setUpInBrowser(page, h.service.url, h.service.deps.setupCode!);

    await page.goto(`${h.service.url}/events`);
    // The page's one SSE stream is open before anything is sent.
    await expect.poll(() => h.service.deps.bus.hasSubscribers('events'), { timeout: 5000 }).toBe(true);

    const res = await postMultipart(h.url, modernMovie({ event: 'media.play', ratingKey: '7001' }));
    const { id } = (await res.json()) as { id: number };
    const row = page.locator(`#event-${id}`);
    await row.waitFor({ timeout: 5000 });
    await expect.poll(() => row.locator('.event-status').textContent(), { timeout: 5000 }).toBe('sent');
    expect(await row.textContent()).toContain('The Matrix (1999)');

    // A failing event: Trakt answers 503 until it gives up.
    h.fake.server.inject('/scrobble/stop', { kind: 'status', status: 503, body: 'down' }, 2);
    const failRes = await postMultipart(h.url, modernEpisode({ event: 'media.scrobble', ratingKey: '7002', tvdb: 8530903 }));
    const failedId = ((await failRes.json()) as { id: number }).id;
    expect((await settled(h.service, failedId)).status).toBe('failed');
    const failedRow = page.locator(`#event-${failedId}`);
    await expect.poll(() => failedRow.locator('.event-status').textContent(), { timeout: 5000 }).toBe('failed');
    await screenshot(page, 'webhook-events');

    await failedRow.locator('button.event-retry').click();
    await expect.poll(() => page.locator(`#event-${failedId} .event-status`).textContent(), { timeout: 5000 }).toBe('sent');
    expect(h.fake.plays('alice').filter((p) => p.trakt === 3003)).toHaveLength(1);

    // The raw payload on demand.
    await page.locator(`#event-${id} button.event-payload`).click();
    await page.locator(`#payload-${id} pre`).waitFor({ timeout: 5000 });
    expect(await page.locator(`#payload-${id} pre`).textContent()).toContain('"event": "media.play"');

    // The dashboard's dry test event.
    await page.goto(h.service.url);
    await page.click('#send-test-event');
    await page.locator('#test-event-result p').waitFor({ timeout: 5000 });
    expect(await page.locator('#test-event-result').textContent()).toContain('Nothing was sent now');
    expect(problems).toEqual([]);
  });
});
