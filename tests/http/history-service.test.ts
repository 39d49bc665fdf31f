/**
 * The background refresher: first fill on start, debounced refresh requests, refreshes after
 * a webhook play (bus notice) and after a finished sync run, live rows for the page, the
 * status part, and a clean stop.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countPlays } from '../../src/db/repos/history-plays.js';
import { createRun, updateRun } from '../../src/db/repos/sync-runs.js';
import { HistoryService, type HistoryServiceOptions } from '../../src/history/service.js';
import { collectStatus } from '../../src/web/status.js';
import { historyWorld, seedPlays, type HistoryWorld } from './history-world.js';

let w: HistoryWorld;
let stop: (() => Promise<void>) | undefined;
beforeEach(async () => {
  w = await historyWorld();
  seedPlays(w.fake, 300, Date.now() - 3600_000);
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  await w.close();
});

/** THE history service of the test's context, built with the test's timings, and started. */
function startHistoryRefresher(o: HistoryServiceOptions): HistoryService {
  const h = new HistoryService(w.ctx.deps, o);
  w.ctx.deps.history = h;
  h.start();
  stop = () => h.stop();
  return h;
}

const activityGets = () => w.fake.server.received('/sync/last_activities', 'GET').length;
/** A play added on Trakt's site: the play and the activity mark. */
function addOnTrakt(trakt: number, at = Date.now()): number {
  const id = w.fake.addPlay('alice', { type: 'movie', trakt }, new Date(at).toISOString());
  w.fake.user('alice').activities.touch('movies', 'watched_at', at);
  return id;
}

describe('the history refresher', () => {
  it('fills on start, then refreshes once per burst of requests, and publishes the new play for the page', async () => {
    startHistoryRefresher({ startDelayMs: 5, debounceMs: 40, runPollMs: 60_000 });
    await expect.poll(() => countPlays(w.ctx.deps.sqlite, w.accountId), { timeout: 5000 }).toBe(300);
    await expect.poll(() => w.ctx.deps.history.running.size).toBe(0);
    const messages: string[] = [];
    const unsubscribe = w.ctx.deps.bus.subscribe([`history:${w.accountId}`], (m) => messages.push(m.html), () => undefined);
    const gets = activityGets();
    const id = addOnTrakt(105);
    for (let i = 0; i < 5; i++) w.ctx.deps.history.request(w.accountId);
    await expect.poll(() => countPlays(w.ctx.deps.sqlite, w.accountId), { timeout: 5000 }).toBe(301);
    await expect.poll(() => messages.some((m) => m.includes(`id="play-${id}"`)), { timeout: 5000 }).toBe(true);
    expect(activityGets() - gets).toBe(1);
    const live = messages.find((m) => m.includes(`id="play-${id}"`))!;
    expect(live).toContain('hx-target="#history-list[data-live=all]" hx-swap="afterbegin"');
    expect(live).toContain('hx-target="#history-list[data-live=movie]"');
    expect(live).not.toContain('data-live=episode');
    expect(live).toContain('301 plays');
    unsubscribe();
    const status = await collectStatus(w.ctx.deps);
    expect(status.history).toMatchObject({ plays: 301, phase: 'ready', refreshing: null, lastError: null });
  });

  it('refreshes after a webhook play notice on the bus and after a finished sync run', async () => {
    startHistoryRefresher({ startDelayMs: 5, debounceMs: 10, runPollMs: 30 });
    await expect.poll(() => countPlays(w.ctx.deps.sqlite, w.accountId), { timeout: 5000 }).toBe(300);
    addOnTrakt(106);
    // What the event worker announces after a play reached Trakt (src/scrobble/history-notify.ts).
    w.ctx.deps.bus.emit('trakt.play', { traktAccountId: w.accountId });
    await expect.poll(() => countPlays(w.ctx.deps.sqlite, w.accountId), { timeout: 5000 }).toBe(301);
    addOnTrakt(107);
    const run = await createRun(w.ctx.deps.db, 'manual', false, false);
    await new Promise((r) => setTimeout(r, 100));
    expect(countPlays(w.ctx.deps.sqlite, w.accountId)).toBe(301); // still running: nothing to look at yet
    await updateRun(w.ctx.deps.db, run, { status: 'succeeded', finished_at: Date.now() });
    await expect.poll(() => countPlays(w.ctx.deps.sqlite, w.accountId), { timeout: 5000 }).toBe(302);
  });

  it('a failure is logged as a sentence, the mirror stays, it is tried again later; no refresh after stop', async () => {
    const s = startHistoryRefresher({ startDelayMs: 5, debounceMs: 10, runPollMs: 60_000, retryAfterFailureMs: 80 });
    await expect.poll(() => countPlays(w.ctx.deps.sqlite, w.accountId), { timeout: 5000 }).toBe(300);
    await expect.poll(() => w.ctx.deps.history.running.size).toBe(0);
    w.fake.server.inject('/sync/last_activities', { kind: 'status', status: 503, body: 'down' }, 50);
    await expect(w.ctx.deps.history.refreshNow(w.accountId)).rejects.toThrow(/Trakt/);
    expect(w.ctx.logs.text()).toMatch(/Trakt history refresh failed; the mirror keeps what it had/);
    expect(countPlays(w.ctx.deps.sqlite, w.accountId)).toBe(300);
    w.fake.server.clearFaults();
    const failedAt = activityGets();
    addOnTrakt(109);
    await expect.poll(() => countPlays(w.ctx.deps.sqlite, w.accountId), { timeout: 5000 }).toBe(301);
    expect(activityGets()).toBeGreaterThan(failedAt);
    await s.stop();
    const gets = activityGets();
    addOnTrakt(108);
    w.ctx.deps.history.request(w.accountId);
    await new Promise((r) => setTimeout(r, 100));
    expect(activityGets()).toBe(gets);
    expect(countPlays(w.ctx.deps.sqlite, w.accountId)).toBe(301);
  });
});
