import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { launchBrowser, signInInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture, tempDir } from '../helpers/context.js';

let service: ServiceHandle;
let browser: BrowserContext;

beforeAll(async () => {
  service = await startService(
    loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD: 'logs-page-password', LOG_LEVEL: 'debug' }),
    { logSink: new LogCapture() },
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

describe('Logs page', () => {
  it('shows stored lines, tails new ones live, filters by level, and never shows a secret', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await signInInBrowser(page, service.url, 'logs-page-password');

    await page.goto(`${service.url}/logs`);
    await expect(page.locator('#log-rows').textContent()).resolves.toContain('listening on');

    // The page's SSE stream connects a moment after load: log until a line arrives (bounded).
    const apiKey = service.deps.secrets.apiKey();
    for (let i = 0; i < 60; i++) {
      service.deps.log.info({ component: 'e2e' }, `live line with key ${apiKey}`);
      await new Promise((r) => setTimeout(r, 250));
      if ((await page.locator('#log-rows tr[data-component=e2e]').count()) > 0) break;
    }
    await page.waitForSelector('#log-rows tr[data-component=e2e]', { timeout: 1000 });
    const text = await page.locator('#log-rows').textContent();
    expect(text).toContain('live line with key [redacted]');
    expect(text).not.toContain(apiKey);

    // A debug line is filtered out on a warn-and-above view, also when it arrives live.
    await page.goto(`${service.url}/logs?level=40`);
    // The new page's stream connects a moment after load: log until a line arrives (bounded).
    for (let i = 0; i < 40; i++) {
      service.deps.log.debug({ component: 'e2e' }, 'quiet line');
      service.deps.log.warn({ component: 'e2e' }, 'loud line');
      await new Promise((r) => setTimeout(r, 250));
      if ((await page.locator('#log-rows tr[data-level="40"]').count()) > 0) break;
    }
    const filtered = await page.locator('#log-rows').textContent();
    expect(filtered).toContain('loud line');
    expect(filtered).not.toContain('quiet line');
    expect(filtered).not.toContain('listening on');
    expect(problems).toEqual([]);
  });
});
