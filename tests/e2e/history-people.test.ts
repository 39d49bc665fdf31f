/**
 * The History page's person picker in a real browser, in the demo's household: the owner, the
 * kid (a Plex Home user whose own Trakt account is connected here, so their history is copied
 * in the background) and the friend (their own Trakt account). The picker lists the three, has
 * no serious axe-core violation, and opens the chosen person's history with the choice in the
 * URL. With the kid's page open, a play the friend makes (a real webhook from the emulated
 * server, landing on the friend's Trakt account) never shows on it, while the kid's own next
 * play arrives at the top live.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { countPlays } from '../../src/db/repos/history-plays.js';
import { defaultTraktAccount } from '../../src/db/repos/trakt-accounts.js';
import { DEMO_HOUSEHOLD, startDemo, type Demo } from '../fakes/demo/start.js';
import { isEdgeKey, type LibMovie } from '../fakes/library/index.js';
import { emitWebhook } from '../fakes/plex/index.js';
import { launchBrowser, screenshot, signInInBrowser, watchConsole } from '../helpers/browser.js';
import { LogCapture } from '../helpers/context.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

const AXE = fs.readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const { kid, friend } = DEMO_HOUSEHOLD;

let demo: Demo;
let browser: BrowserContext;
const accounts = { owner: 0, kid: 0, friend: 0 };

async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return (r.violations as any[]).filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(' | ')}`);
  });
}

beforeAll(async () => {
  demo = await startDemo({ port: 0, viewerEverySec: 0, movies: 30, shows: 3, logSink: new LogCapture() });
  const { deps } = demo.service;
  accounts.owner = (await defaultTraktAccount(deps.db))!.id;
  // The kid's own Trakt account, as after the device login from their row.
  const kidAccount = await connectTraktAccount(deps, demo.trakt, kid.traktUsername, 'Kid');
  expect(await deps.people.assignTrakt(kid.plexAccountId, kidAccount.id, accounts.owner)).toBeNull();
  accounts.kid = kidAccount.id;
  accounts.friend = (await deps.people.view(friend.plexAccountId))!.traktAccountId!;
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const used = new Set<string>();
function freshMovie(): LibMovie {
  const m = demo.library.movies.find((x) => !used.has(x.key) && x.traktId !== null && x.agent === 'modern' && !isEdgeKey(x.key) && x.trakt.plays.length === 0 && x.plex.viewCount === 0);
  if (!m) throw new Error('no fresh movie left');
  used.add(m.key);
  return m;
}

async function scrobbleAs(plexAccountId: number, m: LibMovie): Promise<void> {
  await emitWebhook(demo.plex.pms, { event: 'media.scrobble', ref: m.key, accountId: plexAccountId, viewOffsetMs: Math.round(m.durationMs * 0.95) });
}

describe('the History page’s person picker', () => {
  it('lists the household, opens the chosen person’s plays, and a play of someone else never reaches the open page', async () => {
    const { deps } = demo.service;
    const { url, trakt } = demo;
    const kidPlays = trakt.plays(kid.traktUsername).map((p) => `play-${p.id}`);
    expect(kidPlays.length).toBeGreaterThan(10); // the demo gave the kid's Trakt account some history
    // The kid's history is copied in the background once their account is connected.
    await expect.poll(() => countPlays(deps.sqlite, accounts.kid), { timeout: 30_000 }).toBe(kidPlays.length);

    const page = await browser.newPage();
    const problems = watchConsole(page);
    await signInInBrowser(page, url, demo.password);

    await page.goto(`${url}/history`);
    const picker = page.locator('#history-person-select');
    expect(await picker.locator('option').evaluateAll((els) => els.map((e) => (e as any).value))).toEqual(['1', String(kid.plexAccountId), String(friend.plexAccountId)]);
    expect(await picker.inputValue()).toBe('1');
    const shownIds = () => page.locator('#history-list li.play').evaluateAll((els) => els.map((e) => e.id));
    const ownerPlays = trakt.plays(demo.library.owner.traktUsername).map((p) => `play-${p.id}`);
    await expect.poll(shownIds, { timeout: 15_000 }).toEqual(ownerPlays.slice(0, 50));
    expect(await axeProblems(page)).toEqual([]);

    // Choosing the kid opens their history, the choice in the URL.
    await picker.selectOption(String(kid.plexAccountId));
    await page.waitForURL(`${url}/history?person=${kid.plexAccountId}`);
    expect(await shownIds()).toEqual(kidPlays.slice(0, 50));
    expect(await page.locator('#history-total').textContent()).toBe(`${kidPlays.length} plays`);
    expect(await page.locator('#history-export a').first().getAttribute('href')).toBe(`/history/export.csv?person=${kid.plexAccountId}`);
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, 'history-person');

    // A filter keeps the person (in the URL too). The demo gave the kid episodes only.
    await page.locator('label:has-text("Episodes")').click();
    await expect.poll(() => page.url()).toContain('type=episode');
    expect(page.url()).toContain(`person=${kid.plexAccountId}`);
    await page.locator('label:has-text("Movies")').click();
    await expect.poll(() => page.url()).toContain('type=movie');
    await expect.poll(() => page.locator('#history-matching').getAttribute('data-matching')).toBe('0');
    expect(await shownIds()).toEqual([]);
    await page.locator('label:has-text("All")').click();
    await expect.poll(shownIds).toEqual(kidPlays.slice(0, 50));

    await expect.poll(() => deps.bus.hasSubscribers(`history:${accounts.kid}`), { timeout: 5000 }).toBe(true);
    await page.evaluate(() => ((globalThis as any).__sameDocument = true));
    // The friend plays a movie: it lands on the friend's Trakt account and mirror, not on this page.
    const friendsMovie = freshMovie();
    const friendBefore = countPlays(deps.sqlite, accounts.friend);
    await scrobbleAs(friend.plexAccountId, friendsMovie);
    await expect.poll(() => trakt.plays(friend.traktUsername).filter((p) => p.trakt === friendsMovie.traktId).length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => countPlays(deps.sqlite, accounts.friend), { timeout: 15_000 }).toBe(friendBefore + 1);
    const friendPlayId = `play-${trakt.plays(friend.traktUsername).find((p) => p.trakt === friendsMovie.traktId)!.id}`;
    // Then the kid plays one: it arrives on top live (so the page's stream works), the friend's never did.
    const kidsMovie = freshMovie();
    await scrobbleAs(kid.plexAccountId, kidsMovie);
    await expect.poll(() => trakt.plays(kid.traktUsername).filter((p) => p.trakt === kidsMovie.traktId).length, { timeout: 15_000 }).toBe(1);
    const kidPlayId = `play-${trakt.plays(kid.traktUsername).find((p) => p.trakt === kidsMovie.traktId)!.id}`;
    await expect.poll(async () => (await shownIds())[0], { timeout: 15_000 }).toBe(kidPlayId);
    expect(await shownIds()).not.toContain(friendPlayId);
    expect(await page.locator('#history-total').textContent()).toBe(`${kidPlays.length + 1} plays`);
    expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
    // Neither play went to the owner's account.
    expect(trakt.plays(demo.library.owner.traktUsername).filter((p) => p.trakt === friendsMovie.traktId || p.trakt === kidsMovie.traktId)).toEqual([]);

    // The dashboard's "Landed on Trakt" says whose Trakt account each play went to.
    await page.goto(url);
    const landed = await page.locator('#recent-plays-body li .recent-play-to').allTextContents();
    expect(landed.slice(0, 2)).toEqual([` · to ${kid.plexUsername}'s Trakt (${kid.traktUsername})`, ` · to ${friend.plexUsername}'s Trakt (${friend.traktUsername})`]);

    // The friend's page has their play; an unknown person is a sentence, with the picker to choose again.
    await page.goto(`${url}/history?person=${friend.plexAccountId}`);
    expect((await shownIds())[0]).toBe(friendPlayId);
    expect(problems).toEqual([]);
    const res = await page.goto(`${url}/history?person=999999`);
    expect(res!.status()).toBe(404);
    expect(await page.locator('#history-person-problem').textContent()).toContain('Nobody in the household has the Plex account "999999"');
    expect(await axeProblems(page)).toEqual([]);
    // The only thing the console may report now is that 404 itself.
    expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
  }, 120_000);
});
