import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, watchConsole } from '../../helpers/browser.js';
import { makeJpeg } from './jpeg.js';
import { fetchJson, startHarness, type Harness } from './test-support.js';
import { webhookThumb } from './webhook-sender.js';

let h: Harness;
let browser: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  h = await startHarness();
  h.clock.set(Date.now()); // PIN expiry is checked against the emulator's clock
  browser = await launchBrowser();
  page = await browser.newPage();
  problems = watchConsole(page);
});
afterAll(async () => {
  await browser?.close();
  await h?.fakes.stop();
});

async function newPin(): Promise<any> {
  const res = await fetchJson(`${h.fakes.tvUrl}/api/v2/pins?strong=true`, {
    method: 'POST',
    headers: { accept: 'application/json', 'x-plex-client-identifier': 'browser-client', 'x-plex-product': 'Plex-Trakt Sync' },
  });
  return res.json();
}

const poll = async (id: number) =>
  (await (await fetchJson(`${h.fakes.tvUrl}/api/v2/pins/${id}`, { headers: { accept: 'application/json', 'x-plex-client-identifier': 'browser-client' } })).json()).authToken;

describe('the plex.tv auth page in a browser', () => {
  it('reads the fragment, approves the PIN, says the tab can close, then follows forwardUrl', async () => {
    const pin = await newPin();
    const forward = `${h.fakes.pmsUrl}/identity`;
    const q = new URLSearchParams({ clientID: 'browser-client', code: pin.code, 'context[device][product]': 'Plex-Trakt Sync', forwardUrl: forward });
    h.fakes.tv.authOptions.forwardDelayMs = 1500;
    await page.goto(`${h.fakes.authUrl}#?${q.toString()}`);
    expect(await page.textContent('h1')).toBe('Sign in to Plex-Trakt Sync');
    // Read the confirmation in the same tick the state flips: the page leaves for forwardUrl soon after.
    const status = await page.waitForFunction("document.body.dataset.state === 'approved' && document.getElementById('status').textContent");
    expect(await status.jsonValue()).toContain('You can close this tab');
    expect(await poll(pin.id)).toEqual(expect.any(String));
    await page.waitForURL(forward);
    expect(problems).toEqual([]);
  });

  it('understands the python-plexapi form (#!?) and the link the emulator builds', async () => {
    const pin = await newPin();
    const link = h.fakes.tv.authLinkFor(h.fakes.tv.pins.get(pin.id)!).replace('#?', '#!?');
    await page.goto(link);
    await page.waitForSelector('body[data-state="approved"]');
    expect(await poll(pin.id)).toEqual(expect.any(String));
  });

  it('waits for "Allow" when auto-approval is off, and signs in as the account named in the URL', async () => {
    h.fakes.tv.authOptions.autoApprove = false;
    try {
      const pin = await newPin();
      await page.goto(`${h.fakes.authUrl}?accountId=5551234#?clientID=browser-client&code=${pin.code}`);
      await page.waitForSelector('body[data-state="asking"]');
      expect(await poll(pin.id)).toBeNull();
      await page.click('#allow');
      await page.waitForSelector('body[data-state="approved"]');
      expect(await page.textContent('#status')).toContain('kid-sam');
      const user = await (await fetchJson(`${h.fakes.tvUrl}/api/v2/user`, { headers: { accept: 'application/json', 'x-plex-token': await poll(pin.id) } })).json();
      expect(user.username).toBe('kid-sam');
    } finally {
      h.fakes.tv.authOptions.autoApprove = true;
    }
  });

  it('says so when the link is incomplete or the code is unknown', async () => {
    await page.goto(h.fakes.authUrl);
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('#status')).toMatch(/incomplete/);
    await page.goto(`${h.fakes.authUrl}#?clientID=browser-client&code=nope`);
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.textContent('#status')).toMatch(/invalid or has expired/);
  });
});

describe('the generated JPEG', () => {
  it('decodes in a real browser at the size it was made', async () => {
    for (const [jpeg, w, h2] of [[webhookThumb(), 64, 96], [makeJpeg(8, 8, () => 255), 8, 8], [makeJpeg(40, 16), 40, 16]] as const) {
      const size = await page.evaluate(async (b64: string) => {
        // Runs in the page: the DOM's createImageBitmap, not Node's.
        const { createImageBitmap } = globalThis as unknown as { createImageBitmap(b: Blob): Promise<{ width: number; height: number }> };
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
        return [bitmap.width, bitmap.height];
      }, jpeg.toString('base64'));
      expect(size).toEqual([w, h2]);
    }
  });
});
