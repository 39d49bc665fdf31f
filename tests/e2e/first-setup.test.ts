/**
 * A new user's first setup in one real browser session, against the Plex and Trakt
 * emulators, with nothing preset but the emulators' URLs and the Trakt app id/secret:
 * the setup code and admin password → Settings → Sign in with Plex (the emulated plex.tv
 * approves the PIN in a new tab) → choose the server → fetch and save the libraries →
 * connect Trakt with the device code (approved on the emulator's page) → the dashboard
 * shows both connected, and the service really holds both connections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { getPlexOwner, getSelectedServer, listSectionSelection } from '../../src/db/repos/plex.js';
import { listTraktAccounts } from '../../src/db/repos/trakt-accounts.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { launchBrowser, screenshot, watchConsole } from '../helpers/browser.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { buildLibrary } from '../sync/sync-library.js';
import { plexTvEnv, traktEnv } from '../helpers/emulator-env.js';

const PASSWORD = 'first setup password 42';
let service: ServiceHandle;
let browser: BrowserContext;
let plex: PlexFakes;
let trakt: TraktFake;
const logs = new LogCapture();

beforeAll(async () => {
  const lib = buildLibrary({ movies: 3, shows: 1, episodesPerShow: 2 });
  plex = await startPlexFakes({ library: lib });
  trakt = await startTraktFake({ rateLimits: false, deviceCodeIntervalSec: 1, users: [{ username: 'newuser', name: 'New User' }] });
  const env = {
    DATA_DIR: tempDir(),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    OPEN_BROWSER: 'false',
    ...plexTvEnv(plex),
    ...traktEnv(trakt),
  };
  service = await startService(loadConfig(env), { logSink: logs });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
  await Promise.allSettled([plex?.stop(), trakt?.stop()]);
});

describe('first setup in a browser', () => {
  it('password with the setup code → Plex PIN → server → libraries → Trakt device code → dashboard shows both connected', async () => {
    // Nothing is connected yet.
    expect(await getSelectedServer(service.deps.db)).toBeUndefined();
    expect(await listTraktAccounts(service.deps.db)).toEqual([]);
    expect(service.deps.setupCode).toBeTruthy();

    const page = await browser.newPage();
    const problems = watchConsole(page);

    // 1. The first visit asks for the setup code and a password.
    await page.goto(service.url);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await page.fill('input[name=setupCode]', service.deps.setupCode!);
    await page.fill('input[name=password]', PASSWORD);
    await page.fill('input[name=confirm]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${service.url}/`);
    expect(await page.locator('#plex-card-status').getAttribute('data-state')).toBe('not_connected');
    expect(await page.locator('#card-trakt [data-state]').textContent()).not.toMatch(/^Connected/);

    // 2. Settings → Sign in with Plex: the emulated plex.tv auth page opens in a new tab and approves.
    await page.goto(`${service.url}/settings`);
    const [authTab] = await Promise.all([browser.waitForEvent('page'), page.click('#plex-signin')]);
    await authTab.waitForURL((u) => u.href.startsWith(`${plex.authUrl}#?clientID=`));
    await authTab.waitForSelector('body[data-state=approved]', { timeout: 10_000 });
    await authTab.close();

    // 3. Choose the server: the working local connection is the one preselected.
    await page.waitForSelector('#plex-server-form', { timeout: 15_000 });
    expect(await page.locator('#settings-plex').textContent()).toContain(`Signed in to plex.tv as ${plex.accounts.owner.username}`);
    expect(await page.locator('input[name=choice]:checked').getAttribute('value')).toBe(`${plex.pms.machineIdentifier} ${plex.pmsUrl}`);
    await page.click('#plex-server-connect');
    await page.waitForSelector('#plex-status[data-state=connected]', { timeout: 10_000 });
    expect(await page.locator('#plex-server-name').textContent()).toBe(plex.pms.name);

    // 4. Libraries: both ticked by default; untick the shows and save.
    await page.click('#plex-fetch-libraries');
    await page.waitForSelector('#plex-libraries-form');
    const boxes = page.locator('#plex-libraries-form input[type=checkbox]');
    expect(await boxes.count()).toBe(2);
    await boxes.nth(1).uncheck();
    await page.click('#plex-libraries-save');
    await page.waitForSelector('#plex-message');
    expect(await page.locator('#plex-message').textContent()).toContain('Saved: 1 of 2 libraries are synced.');

    // 5. Trakt: the app id and secret come from the environment; Connect shows a code to approve on Trakt.
    await page.goto(`${service.url}/settings`);
    await page.click('#trakt-connect');
    const code = (await page.locator('#trakt-user-code').textContent({ timeout: 5000 }))!.trim();
    expect(code).toMatch(/^[A-Z0-9]{6,10}$/);
    const verificationUrl = (await page.locator('#trakt-verification-url').getAttribute('href'))!;
    const traktTab = await browser.newPage();
    await traktTab.goto(`${verificationUrl}?code=${code}`);
    await traktTab.click('#approve');
    expect(await traktTab.locator('#result').getAttribute('data-decision')).toBe('approved');
    await traktTab.close();
    await expect(page.locator('#trakt-username').textContent({ timeout: 10_000 })).resolves.toBe('newuser');

    // 6. The dashboard shows both connected.
    await page.goto(service.url);
    expect(await page.locator('#plex-card-status').getAttribute('data-state')).toBe('connected');
    expect(await page.locator('#plex-card-status').textContent()).toContain(`Connected to ${plex.pms.name}`);
    expect(await page.locator('#card-trakt [data-state]').textContent()).toBe('Connected as newuser');
    await screenshot(page, 'first-setup-dashboard');
    expect(problems).toEqual([]);
    await page.close();

    // What the pages said is what the service holds: the server, its owner, the library choice, the Trakt account.
    const server = (await getSelectedServer(service.deps.db))!;
    expect(server).toMatchObject({ machine_identifier: plex.pms.machineIdentifier, url: plex.pmsUrl, source: 'pin' });
    expect((await getPlexOwner(service.deps.db))?.username).toBe(plex.accounts.owner.username);
    const selection = await listSectionSelection(service.deps.db, server.id);
    expect(selection.map((r) => r.selected).sort()).toEqual([0, 1]);
    expect((await listTraktAccounts(service.deps.db)).map((a) => [a.username, a.status])).toEqual([['newuser', 'connected']]);
    // Both connections work from the service: the stored Plex server answers, and so does Trakt.
    expect((await (await service.deps.plex.server())!.identity()).machineIdentifier).toBe(plex.pms.machineIdentifier);
    const status = (await (await fetch(`${service.url}/api/v1/status`, { headers: { 'x-api-key': service.deps.secrets.apiKey() } })).json()) as any;
    expect(status.plex).toMatchObject({ connected: true, machineIdentifier: plex.pms.machineIdentifier });
    expect(status.trakt).toMatchObject({ connected: true, accounts: [{ username: 'newuser', status: 'connected' }] });
    const text = logs.text();
    expect(text).not.toContain(plex.accounts.owner.serverToken);
    expect(text).not.toContain(DEFAULT_CLIENT_SECRET);
  }, 120_000);
});
