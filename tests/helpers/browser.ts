/** Debian's Chromium driven by playwright-core, with the flags this network needs. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from './context.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run apt-get install -y chromium (.ci/run does)`);
  }
  return chromium.launchPersistentContext(tempDir('pts-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects console errors and failed page errors, which a test asserts are empty. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

/** Saves a screenshot under test-results/ (and into docs/ when UPDATE_SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const out = path.join('test-results', `${name}.png`);
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(out, path.join('docs', `${name}.png`));
  return out;
}

/** First-run setup in the page: the setup code and a password, ending signed in on the dashboard. */
export async function setUpInBrowser(page: Page, url: string, setupCode: string, password = 'a good long password'): Promise<void> {
  await page.goto(url);
  await page.fill('input[name=setupCode]', setupCode);
  await page.fill('input[name=password]', password);
  await page.fill('input[name=confirm]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/`);
}

/** Signs in with the admin password, ending on the dashboard. */
export async function signInInBrowser(page: Page, url: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/`);
}
