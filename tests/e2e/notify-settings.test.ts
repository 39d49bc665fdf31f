/**
 * Settings → Notifications in a real browser against the notification receiver: a wrong URL
 * is answered next to the field, a good one is added (masked), Test shows each answer, and a
 * real failed run shows up as a delivery.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { launchBrowser, signInInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { startNotifyReceiver, type NotifyReceiver } from '../fakes/notify/receiver.js';

const SECRET = 'tok3nSecretValue42';
const require = createRequire(import.meta.url);
let service: ServiceHandle;
let browser: BrowserContext;
let receiver: NotifyReceiver;
const logs = new LogCapture();

beforeAll(async () => {
  receiver = await startNotifyReceiver();
  service = await startService(loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD: 'a good long password', LOG_LEVEL: 'debug' }), {
    logSink: logs,
    tune: { notify: { discordApiUrl: receiver.discordApiUrl } },
  });
  browser = await launchBrowser();
  const page = await browser.newPage();
  await signInInBrowser(page, service.url, 'a good long password');
  await page.close();
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
  await receiver?.stop();
});

describe('Settings → Notifications', () => {
  it('adds a URL, tests it with the answer shown, and lists a failed run’s delivery, never showing the token', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`${service.url}/settings`);
    await page.fill('#notify-url', `discord://abc/${SECRET}`);
    await page.click('#notify-add-button');
    await expect(page.locator('#notify-url-error').textContent({ timeout: 5000 })).resolves.toMatch(/Discord webhook id .* should be digits/);

    await page.fill('#notify-url', `discord://123456789/${SECRET}`);
    await page.uncheck('#notify-new-plex\\.recovered');
    await page.click('#notify-add-button');
    await expect(page.locator('#notify-message').textContent({ timeout: 5000 })).resolves.toContain('Added discord://123456789/to***?events=');
    await page.click('#notify-test');
    await expect(page.locator('#notify-test-results li[data-ok="1"]').textContent({ timeout: 5000 })).resolves.toMatch(/delivered discord:\/\/123456789\/to\*\*\*.*\(HTTP 204\)/);
    expect(receiver.delivered('discord')).toHaveLength(1);

    // A real run with nothing connected fails, and its message is delivered in the background.
    const started = await service.deps.sync.start({ trigger: 'manual' });
    await started.done;
    await waitFor(() => receiver.delivered('discord').some((r) => r.json.content?.startsWith(`Sync run ${started.runId} failed`)));
    await page.reload();
    await expect(page.locator('#notify-deliveries tbody tr').first().textContent()).resolves.toContain('sync.failed');
    expect(await page.content()).not.toContain(SECRET);
    // The section passes axe's checks (labels, contrast, table headers) with a URL, results and deliveries on it.
    // Served as if from the service's own origin: the page's CSP allows only 'self' scripts.
    await page.route(`${service.url}/__axe.js`, (route) => route.fulfill({ contentType: 'application/javascript', body: fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') }));
    await page.addScriptTag({ url: `${service.url}/__axe.js` });
    const violations = await page.evaluate(async () => {
      const r = await (globalThis as unknown as { axe: { run(ctx: string): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe.run('#settings-notifications');
      return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

async function waitFor(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
