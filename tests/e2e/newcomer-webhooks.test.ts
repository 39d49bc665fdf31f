/**
 * Issue 19 ("what a newcomer trips over"), the webhook and settings side, in a real browser
 * against one service and the Trakt emulator:
 *  1. a passing 404 on /scrobble/start loses nothing: the viewing's later events are sent, the
 *     play lands, and Retry asks Trakt again (forgetting the not_found);
 *  2. a bad schedule keeps what was typed, marks the field, says one sentence, saves nothing;
 *  7. the webhook preview is named for what it does, keeps the card's width, and can be dismissed;
 *  8. Retry says so on its row; "Retry all failed" keeps the filter and says what it queued;
 * 10. an empty filtered events list says what it means (no set-up text, no empty table);
 * 11. Regenerate asks first and says what breaks; the old key works until confirmed;
 * 12. Logs newest first, filters apply on change, "Show older lines" only while older exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { notFoundCutoff, notFoundHolds } from '../../src/ledger/not-found.js';
import { getSyncSettings } from '../../src/sync/settings.js';
import { launchBrowser, screenshot, setUpInBrowser, watchConsole } from '../helpers/browser.js';
import { modernMovie } from '../fixtures/webhooks/payloads.js';
import { postMultipart } from '../fixtures/webhooks/send.js';
import { settled, startScrobbleHarness, type ScrobbleHarness } from '../fixtures/webhooks/service.js';

let h: ScrobbleHarness;
let browser: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  h = await startScrobbleHarness();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(5000);
  problems = watchConsole(page);
  await setUpInBrowser(page, h.service.url, h.service.deps.setupCode!);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

let rk = 9100;
async function send(payload: Record<string, unknown>): Promise<number> {
  const res = await postMultipart(h.url, payload);
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: number }).id;
}
const matrixPlays = () => h.fake.plays('alice').filter((p) => p.trakt === 1001);
/** Remembered not_found answers that still hold (what the sync and the Unmatched page believe). */
const holding = () =>
  (h.service.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM trakt_not_found n WHERE ${notFoundHolds('n', notFoundCutoff(Date.now()))}`).get() as { n: number }).n;

describe('issue 19 in a browser: webhooks, events, settings, logs', () => {
  it('1 + 8: a 404 on /scrobble/start loses nothing; Retry says so on its row and asks Trakt again', async () => {
    const ratingKey = String(++rk);
    h.fake.server.inject('/scrobble/start', { kind: 'status', status: 404, body: { error: 'not found' } }, 1);
    const play = await send(modernMovie({ event: 'media.play', ratingKey }));
    const failed = await settled(h.service, play);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/did not know this item \(404\).*press Retry/);
    expect(holding()).toBe(1);

    // The rest of the same viewing is still sent, and the play lands.
    for (const event of ['media.pause', 'media.resume', 'media.scrobble']) {
      const id = await send(modernMovie({ event, ratingKey, viewOffset: event === 'media.scrobble' ? 7_900_000 : 3_000_000 }));
      const row = await settled(h.service, id);
      expect(row.status, `${event}: ${row.reason}`).toBe('sent');
    }
    expect(matrixPlays()).toHaveLength(1);
    // Trakt accepted writes for the item since its 404: the memory no longer holds.
    expect(holding()).toBe(0);

    // Retry on the failed row: feedback on the row at once, then Trakt's answer.
    await page.goto(`${h.service.url}/events?status=failed`);
    const row = page.locator(`#event-${play}`);
    await row.locator('button.event-retry').click();
    await expect.poll(() => page.locator('#events-notice').textContent(), { timeout: 5000 }).toBe('The Matrix (1999): queued again; its row updates when Trakt answers.');
    expect((await settled(h.service, play)).status).toBe('sent');
    // Pressing Retry forgot the remembered not_found outright.
    expect((h.service.deps.sqlite.prepare('SELECT COUNT(*) AS n FROM trakt_not_found').get() as { n: number }).n).toBe(0);
    expect(matrixPlays()).toHaveLength(1); // a retried start is not a play
  });

  it('8 + 10: "Retry all failed" keeps the filter and says what it queued; an empty filter says what it means', async () => {
    h.fake.server.inject('/scrobble/pause', { kind: 'status', status: 404, body: { error: 'not found' } }, 2);
    const ids = [await send(modernMovie({ event: 'media.pause', ratingKey: String(++rk) })), await send(modernMovie({ event: 'media.pause', ratingKey: String(++rk), imdb: 'tt0072684', tmdb: 3175, title: 'Barry Lyndon', year: 1975 }))];
    for (const id of ids) expect((await settled(h.service, id)).status).toBe('failed');

    await page.goto(`${h.service.url}/events?status=failed`);
    await page.click('#retry-all-failed');
    await page.waitForURL(/\/events\?status=failed&retried=2$/);
    expect(await page.locator('#events-notice').textContent()).toBe('2 failed events queued again; their rows update as Trakt answers.');
    for (const id of ids) expect((await settled(h.service, id)).status).toBe('sent');

    // Nothing failed now: the filtered list says so, without the set-up text or an empty table.
    await page.goto(`${h.service.url}/events?status=failed`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Nothing failed');
    expect(main).not.toContain('Add the webhook URL');
    expect(await page.locator('#event-rows').isVisible()).toBe(false);
    expect(await page.locator('#retry-all-failed').count()).toBe(0);
  });

  it('7: the webhook preview says what it is, keeps the card width, and can be dismissed', async () => {
    await page.goto(h.service.url);
    const button = page.locator('#send-test-event');
    expect(await button.textContent()).toContain('Preview what a webhook would do');
    const before = (await page.locator('#card-webhooks').boundingBox())!;
    await button.click();
    const dialog = page.locator('#test-event-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    expect(await dialog.locator('p').first().textContent()).toContain('Nothing was sent now');
    // The request body is inside the folded detail, so the card does not grow sideways.
    await dialog.locator('summary').click();
    const after = (await page.locator('#card-webhooks').boundingBox())!;
    await screenshot(page, 'newcomer-webhook-preview');
    expect(Math.abs(after.width - before.width)).toBeLessThan(2);
    await page.click('#test-event-dismiss');
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
  });

  it('2: a bad schedule keeps what was typed, marks the field, gives one sentence, and saves nothing', async () => {
    await page.goto(`${h.service.url}/settings#sync`);
    await page.check('input[name=scheduleMode][value=cron]');
    await page.fill('#sync-cron', 'every day at 3am');
    await page.click('#sync-save');
    await page.locator('#sync-error').waitFor({ timeout: 5000 });
    expect(await page.locator('#sync-error').textContent()).toBe(
      '"every day at 3am" is not a cron expression. Use five fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" for 03:00 every day.',
    );
    expect(await page.inputValue('#sync-cron')).toBe('every day at 3am');
    expect(await page.getAttribute('#sync-cron', 'aria-invalid')).toBe('true');
    expect(await page.isChecked('input[name=scheduleMode][value=cron]')).toBe(true);
    expect(await page.locator('#sync-message').count()).toBe(0); // no "Saved."
    await page.locator('#settings-sync').screenshot({ path: 'test-results/newcomer-schedule.png' });

    await page.check('input[name=scheduleMode][value=interval]');
    await page.fill('#sync-hours', '0');
    await page.click('#sync-save');
    await expect.poll(() => page.locator('#sync-error').textContent(), { timeout: 5000 }).toBe('Hours must be a whole number from 1 to 168.');
    expect(await page.inputValue('#sync-hours')).toBe('0');
    expect(await page.getAttribute('#sync-hours', 'aria-invalid')).toBe('true');
    expect(await page.isChecked('input[name=scheduleMode][value=interval]')).toBe(true);
    expect((await getSyncSettings(h.service.deps.db)).schedule).toEqual({ mode: 'off' });
  });

  it('11: Regenerate key asks first, says what breaks, and the old key works until confirmed', async () => {
    const oldKey = h.service.deps.secrets.apiKey();
    const status = (key: string) => fetch(`${h.service.url}/api/v1/status`, { headers: { 'x-api-key': key } }).then((r) => r.status);
    await page.goto(`${h.service.url}/settings`);
    expect(await page.locator('#regenerate-api-key').isVisible()).toBe(false);
    await page.click('#regenerate-api-key-ask');
    expect(await page.locator('#regenerate-api-key-confirm .confirm-warning').textContent()).toContain('stops working at once');
    expect(await status(oldKey)).toBe(200); // asking changed nothing
    await page.locator('#settings-api-key').screenshot({ path: 'test-results/newcomer-confirm.png' });
    // This service's webhook secret comes from WEBHOOK_SECRET: nothing to ask, the button is off.
    expect(await page.locator('#regenerate-webhook-secret').isDisabled()).toBe(true);

    await page.click('#regenerate-api-key');
    await expect.poll(() => page.locator('#api-key').textContent(), { timeout: 5000 }).not.toBe(oldKey);
    expect(await status(oldKey)).toBe(401);
  });

  it('12: Logs are newest first, filter on change, and offer older lines only while there are some', async () => {
    for (let i = 1; i <= 230; i++) h.service.deps.log.info({ component: 'e2e-logs' }, `log line ${i}`);
    const stored = () => (h.service.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM logs WHERE component = 'e2e-logs'`).get() as { n: number }).n;
    await expect.poll(stored, { timeout: 5000 }).toBe(230);

    await page.goto(`${h.service.url}/logs?component=e2e-logs`);
    const rows = page.locator('#log-rows tr');
    expect(await rows.first().textContent()).toContain('log line 230');
    expect(await rows.count()).toBe(200);
    await page.click('#logs-older button');
    await expect.poll(() => rows.count(), { timeout: 5000 }).toBe(230);
    expect(await rows.last().textContent()).toContain('log line 1');
    expect(await page.locator('#logs-older button').count()).toBe(0); // nothing older

    // A filter applies as soon as it changes (no Filter button to press).
    await page.selectOption('select[name=level]', '40');
    await page.waitForURL(/level=40/);
    expect(await page.locator('#log-rows tr[data-component=e2e-logs]').count()).toBe(0);
    await screenshot(page, 'newcomer-logs');
    expect(problems).toEqual([]);
  });
});
