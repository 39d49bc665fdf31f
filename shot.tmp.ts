import { startDemo } from './tests/fakes/demo/start.js';
import { launchBrowser } from './tests/helpers/browser.js';
import { syncService } from './src/sync/service.js';
import { LogCapture } from './tests/helpers/context.js';

const demo = await startDemo({ port: 0, viewerEverySec: 6, logSink: new LogCapture() });
const run = await syncService(demo.service.deps).start({ trigger: 'manual' });
await run.done;
const browser = await launchBrowser();
const page = await browser.newPage();
await page.goto(demo.url);
await page.fill('input[name=password]', demo.password);
await page.click('button[type=submit]');
await page.waitForURL(`${demo.url}/`);
// Wait for two plays to land and a third to be playing.
const deadline = Date.now() + 150_000;
while (Date.now() < deadline) {
  const landed = await page.locator('#recent-plays-body li').count();
  const playing = await page.locator('#now-playing-body li').count();
  if (landed >= 2 && playing >= 1) break;
  await new Promise((r) => setTimeout(r, 1000));
}
await new Promise((r) => setTimeout(r, 1500));
await page.screenshot({ path: 'test-results/demo-dashboard-1280.png', fullPage: true });
await page.setViewportSize({ width: 390, height: 844 });
await page.emulateMedia({ colorScheme: 'dark' });
await page.screenshot({ path: 'test-results/demo-dashboard-390-dark.png', fullPage: true });
await page.emulateMedia({ colorScheme: 'light' });
await page.screenshot({ path: 'test-results/demo-dashboard-390.png', fullPage: true });
await browser.close();
await demo.stop();
console.log('done');
