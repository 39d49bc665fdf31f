import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { NAV } from '../../views/layout.js';
import { launchBrowser, screenshot, watchConsole } from '../helpers/browser.js';
import { LogCapture, tempDir } from '../helpers/context.js';

let service: ServiceHandle;
let browser: BrowserContext;

beforeAll(async () => {
  service = await startService(loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1' }), { logSink: new LogCapture() });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

describe('first visit in a real browser', () => {
  it('sets the password with the setup code, visits every page without a console error, signs out and in', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);

    await page.goto(service.url);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await page.fill('input[name=setupCode]', service.deps.setupCode!);
    await page.fill('input[name=password]', 'a good long password');
    await page.fill('input[name=confirm]', 'a good long password');
    await page.click('button[type=submit]');
    await page.waitForURL(`${service.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Dashboard');

    for (const item of NAV) {
      await page.click(`nav a[href="${item.href}"]`);
      await page.waitForURL(`${service.url}${item.href}`);
      expect(await page.locator('nav a[aria-current=page]').textContent()).toBe(item.label);
      expect(await page.locator('h1').count()).toBeGreaterThan(0);
    }
    await page.goto(service.url);
    // htmx and the app script loaded from our own server.
    expect(await page.evaluate(() => typeof (globalThis as any).htmx)).toBe('object');
    await screenshot(page, 'first-visit-dashboard');

    await page.click('text=Sign out');
    await page.waitForURL(/\/login/);
    await page.fill('input[name=password]', 'a good long password');
    await page.click('button[type=submit]');
    await page.waitForURL(`${service.url}/`);

    expect(problems).toEqual([]);
  });
});
