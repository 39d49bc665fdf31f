/**
 * Connecting Plex from the settings page in a real browser against the Plex emulators:
 * password → Sign in with Plex (the new tab opens the emulator's auth page, which approves
 * the PIN) → pick the server → fetch libraries → save → the dashboard shows Plex connected.
 * Then the failure messages in the browser: an expired PIN, an unreachable server and a
 * wrong token in the URL + token form (each next to its field, nothing saved).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { disconnectPlex, getSelectedServer } from '../../src/db/repos/plex.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { launchBrowser, screenshot, setUpInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { deadPort, startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { buildLibrary } from '../sync/sync-library.js';

let service: ServiceHandle;
let browser: BrowserContext;
let fakes: PlexFakes;
const logs = new LogCapture();

beforeAll(async () => {
  fakes = await startPlexFakes({ library: buildLibrary({ movies: 2, shows: 1, episodesPerShow: 2 }), tv: { pathPrefix: '/tv' } });
  service = await startService(
    loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', PLEX_TV_URL: fakes.tvUrl, PLEX_AUTH_URL: fakes.authUrl, LOG_LEVEL: 'debug' }),
    { logSink: logs },
  );
  service.deps.plex.overrides = { connectTimeoutMs: 2000 };
  browser = await launchBrowser();
  const page = await browser.newPage();
  await setUpInBrowser(page, service.url, service.deps.setupCode!);
  await page.close();
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
  await fakes?.stop();
});

describe('Plex in Settings, in a real browser', () => {
  it('signs in with Plex in a new tab, picks the server, saves the libraries, and the dashboard says connected', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`${service.url}/settings`);
    expect(await page.locator('#plex-card-status').count()).toBe(0);

    const [authTab] = await Promise.all([browser.waitForEvent('page'), page.click('#plex-signin')]);
    await authTab.waitForURL((u) => u.href.startsWith(`${fakes.authUrl}#?clientID=`));
    await authTab.waitForSelector('body[data-state=approved]', { timeout: 10_000 });
    expect(await authTab.locator('#title').textContent()).toBe('Sign in to Plex-Trakt Sync');
    await authTab.close();

    // The settings page polled until approved and now lists the server's connections.
    await page.waitForSelector('#plex-server-form', { timeout: 15_000 });
    expect(await page.locator('#settings-plex').textContent()).toContain(`Signed in to plex.tv as ${fakes.accounts.owner.username}`);
    expect(await page.locator('input[name=choice]:checked').getAttribute('value')).toBe(`${fakes.pms.machineIdentifier} ${fakes.pmsUrl}`);
    await screenshot(page, 'plex-server-picker');
    await page.click('#plex-server-connect');
    await page.waitForSelector('#plex-status[data-state=connected]');
    expect(await page.locator('#plex-server-name').textContent()).toBe(fakes.pms.name);

    await page.click('#plex-fetch-libraries');
    await page.waitForSelector('#plex-libraries-form');
    const boxes = page.locator('#plex-libraries-form input[type=checkbox]');
    expect(await boxes.count()).toBe(2);
    for (let i = 0; i < 2; i++) expect(await boxes.nth(i).isChecked()).toBe(true);
    await page.click('#plex-libraries-save');
    await page.waitForSelector('#plex-message');
    expect(await page.locator('#plex-message').textContent()).toContain('Saved: 2 of 2 libraries are synced.');

    await page.goto(service.url);
    expect(await page.locator('#plex-card-status').textContent()).toContain(`Connected to ${fakes.pms.name}`);
    await screenshot(page, 'plex-dashboard-connected');
    expect(problems).toEqual([]);
    expect(logs.text()).not.toContain(fakes.accounts.owner.serverToken);
    await page.close();
  });

  it('says the sign-in expired when the PIN runs out before approval, and offers to try again', async () => {
    await disconnectPlex(service.deps.db);
    fakes.tv.authOptions.autoApprove = false;
    try {
      const page = await browser.newPage();
      const problems = watchConsole(page);
      await page.goto(`${service.url}/settings`);
      const [authTab] = await Promise.all([browser.waitForEvent('page'), page.click('#plex-signin')]);
      await authTab.waitForSelector('body[data-state=asking]');
      await page.waitForSelector('#plex-pin-waiting');
      expect(fakes.tv.expirePin()).toBe(true);
      await page.waitForSelector('#plex-message', { timeout: 10_000 });
      expect(await page.locator('#plex-message').textContent()).toContain('The Plex sign-in request expired before it was approved. Click Sign in with Plex to try again.');
      expect(await page.locator('#plex-signin').isVisible()).toBe(true);
      expect(problems).toEqual([]);
      await authTab.close();
      await page.close();
    } finally {
      fakes.tv.authOptions.autoApprove = true;
    }
  });

  it('puts "unreachable" and "wrong token" next to their fields in the URL + token form, and saves nothing', async () => {
    await disconnectPlex(service.deps.db);
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`${service.url}/settings`);
    await page.click('summary:has-text("Or connect with a server URL and token")');
    await page.fill('#plex-url', `http://127.0.0.1:${await deadPort()}`);
    await page.fill('#plex-token', 'abcdefghijklmnopqrst');
    await page.click('#plex-manual-connect');
    await page.waitForSelector('#plex-url-error', { timeout: 10_000 });
    expect(await page.locator('#plex-url-error').textContent()).toMatch(/could not be reached/);
    expect(await page.locator('#plex-token-error').count()).toBe(0);

    await page.fill('#plex-url', fakes.pmsUrl);
    await page.fill('#plex-token', 'abcdefghijklmnopqrst');
    await page.click('#plex-manual-connect');
    await page.waitForSelector('#plex-token-error', { timeout: 10_000 });
    expect(await page.locator('#plex-token-error').textContent()).toMatch(/refused this token/);
    expect(await page.locator('#plex-url-error').count()).toBe(0);
    expect(await getSelectedServer(service.deps.db)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });
});
