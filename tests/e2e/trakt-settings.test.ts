/**
 * Connecting Trakt from the settings page in a real browser against the Trakt emulator:
 * client id/secret → Connect → approve the code on the emulator's /activate page → the
 * page shows the username and the dashboard card says connected. Then the failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { getSetting } from '../../src/db/repos/settings.js';
import { TRAKT_SETTING } from '../../src/trakt/credentials.js';
import { launchBrowser, screenshot, setUpInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';

let service: ServiceHandle;
let browser: BrowserContext;
let fake: TraktFake;
const logs = new LogCapture();

beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false, deviceCodeIntervalSec: 1, pathPrefix: '/api' });
  service = await startService(
    loadConfig({ DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', TRAKT_API_URL: fake.url, TRAKT_OAUTH_URL: fake.url, LOG_LEVEL: 'debug' }),
    { logSink: logs },
  );
  browser = await launchBrowser();
  const page = await browser.newPage();
  await setUpInBrowser(page, service.url, service.deps.setupCode!);
  await page.close();
});
afterAll(async () => {
  await browser?.close();
  await service?.close();
  await fake?.stop();
});

async function fillCredentials(page: Page, id: string, secret: string) {
  await page.goto(`${service.url}/settings`);
  await page.fill('#trakt-client-id', id);
  await page.fill('#trakt-client-secret', secret);
  await page.click('#trakt-connect');
}

describe('Trakt on the settings page', () => {
  it('refuses a wrong client secret next to the field and stores nothing', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await fillCredentials(page, DEFAULT_CLIENT_ID, 'not-the-right-secret');
    await expect(page.locator('#trakt-client-secret-error').textContent({ timeout: 5000 })).resolves.toMatch(/refused this Client Secret/);
    expect(await getSetting(service.deps.db, TRAKT_SETTING.clientSecret)).toBeUndefined();
    expect(await getSetting(service.deps.db, TRAKT_SETTING.clientId)).toBeUndefined();

    await fillCredentials(page, 'unknown-client-id', DEFAULT_CLIENT_SECRET);
    await expect(page.locator('#trakt-client-id-error').textContent({ timeout: 5000 })).resolves.toMatch(/does not know this client id/);
    await fillCredentials(page, 'a b', '');
    await expect(page.locator('#trakt-client-id-error').textContent()).resolves.toMatch(/not a Trakt Client ID/);
    await expect(page.locator('#trakt-client-secret-error').textContent()).resolves.toMatch(/Enter the Client Secret/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says so when the code is denied on Trakt', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await fillCredentials(page, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
    const code = (await page.locator('#trakt-user-code').textContent({ timeout: 5000 }))!.trim();
    expect(fake.denyDevice(code)).toBe(true);
    await expect(page.locator('#trakt-message').textContent({ timeout: 8000 })).resolves.toMatch(/denied on Trakt/);
    await expect(page.locator('#trakt-connect').isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('connects: code shown, approved on the emulator page, username shown, dashboard connected', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`${service.url}/settings`);
    // The id and secret were stored by the denied attempt; the secret is kept when left empty.
    await expect(page.locator('#trakt-client-id').inputValue()).resolves.toBe(DEFAULT_CLIENT_ID);
    await page.click('#trakt-connect');
    const code = (await page.locator('#trakt-user-code').textContent({ timeout: 5000 }))!.trim();
    const verificationUrl = (await page.locator('#trakt-verification-url').getAttribute('href'))!;
    await screenshot(page, 'settings-trakt-code');

    const trakt = await browser.newPage();
    await trakt.goto(`${verificationUrl}?code=${code}`);
    await trakt.click('#approve');
    await expect(trakt.locator('#result').getAttribute('data-decision')).resolves.toBe('approved');
    await trakt.close();

    await expect(page.locator('#trakt-username').textContent({ timeout: 8000 })).resolves.toBe('alice');
    await screenshot(page, 'settings-trakt-connected');
    await page.goto(service.url);
    await expect(page.locator('#card-trakt [data-state]').textContent()).resolves.toBe('Connected as alice');
    const status = (await (await fetch(`${service.url}/api/v1/status`, { headers: { "x-api-key": service.deps.secrets.apiKey() } })).json()) as any;
    expect(status.trakt).toMatchObject({ connected: true, accounts: [{ username: 'alice', status: 'connected' }] });

    const stored = await service.deps.traktClients!.forAccount(status.trakt.accounts[0].id);
    expect((await stored.userSettings()).user.username).toBe('alice');
    expect(logs.text()).not.toContain(DEFAULT_CLIENT_SECRET);

    await page.goto(`${service.url}/settings`);
    await page.click('#trakt-disconnect-ask'); // it asks first, saying what stops
    await page.click('#trakt-disconnect');
    await expect(page.locator('#trakt-message').textContent({ timeout: 5000 })).resolves.toMatch(/revoked at Trakt/);
    expect(fake.countOf('POST /oauth/revoke')).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
