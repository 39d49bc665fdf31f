/**
 * The demo's household: the friend (Trakt connected) and the kid (once their Trakt account is
 * connected) have their own watched state in Plex and on their own Trakt accounts; one sync
 * fills each person's own account from their own Plex state, and no one else's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPersonLogin } from '../../src/people/trakt-login.js';
import { DEMO_HOUSEHOLD, startDemo, type Demo } from './demo/start.js';
import { LogCapture } from '../helpers/context.js';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo({ port: 0, viewerEverySec: 0, movies: 60, shows: 2, logSink: new LogCapture() });
}, 60_000);
afterAll(async () => {
  await demo?.stop();
});

describe('the demo household', () => {
  it('one sync fills each person’s own Trakt account and marks their own Plex state', async () => {
    const { kid, friend } = DEMO_HOUSEHOLD;
    // As a newcomer would in Settings → People: the kid's PIN (from the banner), then their own Trakt account.
    expect(await demo.service.deps.people.change(kid.plexAccountId, { pin: kid.pin })).toHaveProperty('person');
    await runPersonLogin(demo.service.deps, kid.plexAccountId, { onCode: (c) => expect(demo.trakt.approveDevice(c.userCode, kid.traktUsername)).toBe(true) });
    const started = await demo.service.deps.sync.start({ trigger: 'manual', full: true });
    const run = await started.done;
    const status = new Map(JSON.parse(run.people!).map((p: any) => [p.plexAccountId, p.status]));
    expect([status.get(1), status.get(kid.plexAccountId), status.get(friend.plexAccountId)]).toEqual([expect.stringMatching(/succeeded|partial/), 'succeeded', 'succeeded']);
    const moviesOf = (u: string) => new Set(demo.trakt.plays(u).filter((p) => p.type === 'movie').map((p) => p.trakt));
    for (const seed of demo.householdSeed) {
      expect(seed.plexWatched.length).toBeGreaterThan(0);
      expect(moviesOf(seed.traktUsername)).toEqual(new Set([...seed.plexWatched, ...seed.traktPlays].map((m) => m.traktId)));
      for (const m of seed.traktPlays) expect(demo.plex.pms.stateOf(m.key, seed.plexAccountId).viewCount, m.title).toBeGreaterThan(0);
      const others = demo.householdSeed.filter((s) => s !== seed);
      for (const m of seed.plexWatched) {
        expect(moviesOf(demo.library.owner.traktUsername).has(m.traktId!)).toBe(false);
        for (const o of others) expect(moviesOf(o.traktUsername).has(m.traktId!)).toBe(false);
      }
    }
  }, 120_000);
});
