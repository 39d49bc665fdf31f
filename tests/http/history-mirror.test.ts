/**
 * The Trakt history mirror against the emulator: first fill across pages, incremental
 * refreshes that fetch only what changed, back-dated plays, removals, and Trakt errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countPlays, listPlays } from '../../src/db/repos/history-plays.js';
import { getHistoryState } from '../../src/db/repos/history-state.js';
import { BASE, HOUR, historyWorld, seedPlays, SHOW_TRAKT, type HistoryWorld } from './history-world.js';

let w: HistoryWorld;
beforeEach(async () => {
  w = await historyWorld();
});
afterEach(async () => {
  await w.close();
});

const historyGets = () => w.fake.server.received('/sync/history', 'GET').length;
const localIds = () => listPlays(w.ctx.deps.sqlite, w.accountId, { limit: 10_000 }).map((r) => r.history_id);
const remoteIds = () => w.fake.plays('alice').map((p) => p.id);
const client = () => w.ctx.deps.traktClients.forAccount(w.accountId);

describe('first fill', () => {
  it('walks every page beyond 250, newest first, with episode and show ids', async () => {
    seedPlays(w.fake, 600);
    const res = await (await w.mirror()).refresh();
    expect(res).toMatchObject({ kind: 'fill', added: 600, complete: true, localCount: 600, remoteCount: 600 });
    expect(historyGets()).toBe(3); // 250 + 250 + 100
    expect(w.fake.server.received('/sync/history').every((r) => /limit=250/.test(r.query) && /extended=full/.test(r.query))).toBe(true);
    expect(localIds()).toEqual(remoteIds());
    const ep = listPlays(w.ctx.deps.sqlite, w.accountId, { type: 'episode', limit: 1 })[0]!;
    expect(ep).toMatchObject({ type: 'episode', title: 'The Long Show', show_trakt: SHOW_TRAKT, show_tvdb: 70000, show_tmdb: 1400, action: 'scrobble' });
    expect(ep.episode_tvdb).toBe(80000 + ((ep.episode_trakt ?? 0) - 6000));
    expect(ep.season).toBeGreaterThanOrEqual(1);
    const st = await getHistoryState(w.ctx.deps.db, w.accountId);
    expect(st).toMatchObject({ phase: 'ready', fill_pages_done: 3, fill_page_count: 3, fill_items_done: 600, fill_item_count: 600 });
  });

  it('a fill interrupted by Trakt errors keeps its pages and resumes below them', async () => {
    seedPlays(w.fake, 600);
    const mirror = await w.mirror();
    // Page 1 answers, then every request fails.
    let pages = 0;
    const failing = await w.mirror({
      onProgress: () => {
        pages += 1;
        if (pages === 1) w.fake.server.inject('/sync/history', { kind: 'status', status: 503, body: 'down' }, 100);
      },
    });
    await expect(failing.refresh()).rejects.toThrow(/Trakt/);
    expect(countPlays(w.ctx.deps.sqlite, w.accountId)).toBe(250);
    const st = await getHistoryState(w.ctx.deps.db, w.accountId);
    expect(st?.phase).toBe('filling');
    expect(st?.last_error).toMatch(/Trakt/);
    w.fake.server.clearFaults();
    w.fake.server.clearLog();
    const res = await mirror.refresh();
    expect(res).toMatchObject({ kind: 'fill', complete: true, localCount: 600 });
    expect(localIds()).toEqual(remoteIds());
    // Resumed with end_at at the oldest stored play, not from the top.
    expect(w.fake.server.received('/sync/history')[0]!.query).toMatch(/end_at=/);
  });
});

describe('incremental refresh', () => {
  beforeEach(async () => {
    seedPlays(w.fake, 600);
    await (await w.mirror()).refresh();
    w.fake.server.clearLog();
  });

  it('asks only last_activities when nothing moved', async () => {
    // Marks of the last few seconds are not trusted (whole seconds): look from a minute later.
    const later = () => Date.now() + 60_000;
    await (await w.mirror({ now: later })).refresh('check');
    w.fake.server.clearLog();
    const res = await (await w.mirror({ now: later })).refresh();
    expect(res).toMatchObject({ kind: 'check', changed: false, requests: 1 });
    expect(w.fake.server.requests.map((r) => r.path)).toEqual(['/sync/last_activities']);
  });

  it('fetches only the newest page for new plays', async () => {
    const c = await client();
    await c.addHistory({ movies: [{ ids: { trakt: 101 }, watched_at: new Date(BASE + HOUR).toISOString() }, { ids: { trakt: 102 }, watched_at: new Date(BASE + 2 * HOUR).toISOString() }] });
    w.fake.server.clearLog();
    const res = await (await w.mirror()).refresh();
    expect(res).toMatchObject({ changed: true, added: 2, removed: 0, complete: true, localCount: 602 });
    expect(historyGets()).toBe(1);
    expect(localIds()).toEqual(remoteIds());
  });

  it('picks up a back-dated play added on Trakt deep in the list, with a few requests', async () => {
    const c = await client();
    const deep = new Date(BASE - 500 * HOUR - 30 * 60_000).toISOString(); // between plays 500 and 501
    await c.addHistory({ shows: [{ ids: { trakt: SHOW_TRAKT }, seasons: [{ number: 2, episodes: [{ number: 3, watched_at: deep }] }] }] });
    w.fake.server.clearLog();
    const res = await (await w.mirror()).refresh();
    expect(res).toMatchObject({ changed: true, added: 1, complete: true, localCount: 601, remoteCount: 601 });
    expect(localIds()).toEqual(remoteIds());
    expect(historyGets()).toBeLessThanOrEqual(20);
    expect(historyGets()).toBeGreaterThan(1);
    const row = listPlays(w.ctx.deps.sqlite, w.accountId, { limit: 10_000 }).find((r) => r.watched_at === Date.parse(deep));
    expect(row).toMatchObject({ type: 'episode', season: 2, number: 3 });
  });

  it('notices a play removed on Trakt by the counts, and a full refresh removes it too', async () => {
    const c = await client();
    const victim = w.fake.plays('alice')[300]!.id;
    await c.removeHistory({ ids: [victim] });
    const res = await (await w.mirror()).refresh();
    expect(res).toMatchObject({ removed: 1, complete: true, localCount: 599 });
    expect(localIds()).not.toContain(victim);
    expect(localIds()).toEqual(remoteIds());
  });

  it('a full refresh picks up a removal that the counts cannot see (one removed, one back-dated added)', async () => {
    const c = await client();
    const victim = w.fake.plays('alice')[10]!.id;
    await c.removeHistory({ ids: [victim] });
    // Same count as before: only reading everything can tell.
    w.fake.addPlay('alice', { type: 'movie', trakt: 110 }, new Date(BASE - 20.5 * HOUR).toISOString());
    const res = await (await w.mirror()).refresh('full');
    expect(res).toMatchObject({ kind: 'full', removed: 1, added: 1, complete: true, localCount: 600 });
    expect(localIds()).toEqual(remoteIds());
    expect(localIds()).not.toContain(victim);
  });

  it('Trakt errors leave the mirror as it was', async () => {
    const before = localIds();
    const c = await client();
    await c.removeHistory({ ids: [w.fake.plays('alice')[5]!.id] });
    w.fake.server.inject('/sync/history', { kind: 'status', status: 502, body: 'Bad Gateway' }, 100);
    await expect((await w.mirror()).refresh()).rejects.toThrow();
    await expect((await w.mirror()).refresh('full')).rejects.toThrow();
    expect(localIds()).toEqual(before);
    w.fake.server.inject('/sync/last_activities', { kind: 'status', status: 401, body: { error: 'invalid_grant' } }, 100);
    await expect((await w.mirror()).refresh()).rejects.toThrow();
    expect(localIds()).toEqual(before);
    expect((await getHistoryState(w.ctx.deps.db, w.accountId))?.last_error).toBeTruthy();
    w.fake.server.clearFaults();
    const res = await (await w.mirror()).refresh();
    expect(res).toMatchObject({ complete: true, localCount: 599 });
    expect((await getHistoryState(w.ctx.deps.db, w.accountId))?.last_error).toBeNull();
  });
});
