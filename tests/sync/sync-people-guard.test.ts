/**
 * The guard with a run over several people (SYNC_GUARD_CHANGES=2): one person's plan above the
 * limit holds that person's part (their plan kept), the others are written; approving writes the
 * held person's plan through their own account, once; discarding writes nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibMovie } from '../fakes/library/index.js';
import { getRun } from '../../src/db/repos/sync-runs.js';
import { heldPlanView } from '../../src/web/runs-held.js';
import { KID, PAL, startHouseholdWorld, type HouseholdWorld } from './people-world.js';

let w: HouseholdWorld;
beforeAll(async () => {
  w = await startHouseholdWorld({ env: { SYNC_GUARD_CHANGES: '2' } });
}, 90_000);
afterAll(async () => {
  await w?.stop();
});

const person = (run: any, id: number) => (run.people as any[]).find((p) => p.plexAccountId === id);

describe('the guard over several people', () => {
  it('holds only the person above the limit; approval writes their plan through their own account, once', async () => {
    const kids = w.fresh(3) as LibMovie[];
    const [p, o] = w.fresh(2) as [LibMovie, LibMovie];
    for (const m of kids) w.plex.pms.markWatched(m.key, KID);
    w.plex.pms.markWatched(p.key, PAL);
    w.plex.pms.markWatched(o.key, 1);
    const run = await w.runSync();
    expect(run.status).toBe('awaiting_approval');
    expect([person(run, 1).status, person(run, KID).status, person(run, PAL).status]).toEqual(['succeeded', 'awaiting_approval', 'succeeded']);
    expect(run.guard).toEqual(['kid: The plan adds 3 plays to Trakt: more than the 2 SYNC_GUARD_CHANGES allows without approval.']);
    expect(run.error).toContain('The guard held the part of this run for kid');
    expect([w.playCount(w.owner, o), w.playCount('pal-trakt', p)]).toEqual([1, 1]);
    expect(kids.map((m) => w.playCount('kid-trakt', m))).toEqual([0, 0, 0]);
    // The held plan's page says whose each item is.
    const view = await heldPlanView(w.service.deps, (await getRun(w.service.deps.db, run.id))!, 'csrf', { list: 'toTrakt' });
    expect(view.items.map((i) => i.who)).toEqual(['kid', 'kid', 'kid']);

    const res = await w.api(`/runs/${run.id}/approve`, { method: 'POST' });
    expect(res.status).toBe(202);
    const approved = await w.follow(run.id);
    expect(approved.status, approved.error).toBe('succeeded');
    expect(person(approved, KID)).toMatchObject({ status: 'succeeded', counts: { addedToTrakt: 3 } });
    expect(kids.map((m) => w.playCount('kid-trakt', m))).toEqual([1, 1, 1]);
    expect(kids.map((m) => w.playCount(w.owner, m) + w.playCount('pal-trakt', m))).toEqual([0, 0, 0]);
    // Owner's and pal's parts were written before the hold: approval does not write them again.
    expect([w.playCount(w.owner, o), w.playCount('pal-trakt', p)]).toEqual([1, 1]);
    const again = await w.runSync();
    expect(again.status).toBe('succeeded');
    expect(kids.map((m) => w.playCount('kid-trakt', m))).toEqual([1, 1, 1]);
  }, 120_000);

  it('discarding a held run writes nothing more for the held person', async () => {
    const pals = w.fresh(3) as LibMovie[];
    for (const m of pals) w.plex.pms.markWatched(m.key, PAL);
    const run = await w.runSync();
    expect(run.status).toBe('awaiting_approval');
    expect(person(run, PAL).status).toBe('awaiting_approval');
    const res = await w.api(`/runs/${run.id}/discard`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).status).toBe('discarded');
    expect(pals.map((m) => w.playCount('pal-trakt', m))).toEqual([0, 0, 0]);
  }, 120_000);
});
