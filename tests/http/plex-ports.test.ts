/** The Plex ports the webhook worker and the sync use, over a connected emulated server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { saveSectionSelection, upsertPlexAccount } from '../../src/db/repos/plex.js';
import { connectManual } from '../../src/plex-connection/login.js';
import { scrobblePlexPorts, syncPlexPort } from '../../src/plex-connection/ports.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { buildLibrary, SECTION_MOVIES, SECTION_SHOWS } from '../sync/sync-library.js';

let fakes: PlexFakes;
let ctx: TestContext;
beforeAll(async () => {
  fakes = await startPlexFakes({ library: buildLibrary({ movies: 2, shows: 1, episodesPerShow: 2 }) });
});
afterAll(async () => fakes?.stop());
afterEach(async () => ctx?.close());

describe('Plex ports', () => {
  it('answer "nothing connected" before a server is chosen', async () => {
    ctx = await makeTestContext({ PLEX_TV_URL: fakes.tvUrl });
    const s = scrobblePlexPorts(ctx.deps.plex);
    expect(await s.connectedServer()).toBeNull();
    expect(await s.plex()).toBeNull();
    expect(await s.librarySelected('1')).toBe(true);
    expect(await syncPlexPort(ctx.deps.plex)()).toBeNull();
  });

  it('give the worker the server, the owner, positions and show ids; the sync the selected sections', async () => {
    ctx = await makeTestContext({ PLEX_TV_URL: fakes.tvUrl });
    const result = await connectManual(ctx.deps, fakes.pmsUrl, fakes.pms.tokenFor());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    await upsertPlexAccount(ctx.deps.db, { plexUserId: 42, username: 'plex-owner', sealedToken: ctx.deps.cipher.encrypt('tok-abcdefgh'), isOwner: true });

    const s = scrobblePlexPorts(ctx.deps.plex);
    expect(await s.connectedServer()).toEqual({ uuid: fakes.pms.machineIdentifier, ownerUsername: 'plex-owner' });
    const lookups = (await s.plex())!;
    const episode = fakes.pms.ratingKeyOf('show-1-s1e1');
    fakes.pms.setProgress(episode, 60_000);
    expect(await lookups.itemPosition(episode)).toEqual({ viewOffset: 60_000, duration: 2_400_000 });
    fakes.pms.setSession({ ref: episode, viewOffsetMs: 90_000, state: 'playing' });
    try {
      expect((await lookups.sessionPosition(episode))?.viewOffset).toBe(90_000);
      expect(await lookups.sessionPosition('999999')).toBeNull();
      // Two people watching the same episode: each player gets its own position, never the other's.
      fakes.accounts.upsert({ id: 2, username: 'guest' });
      fakes.pms.setSession({ ref: episode, accountId: 2, viewOffsetMs: 300_000, state: 'playing', player: { uuid: 'bedroom-tv', title: 'Bedroom TV' } });
      const main = fakes.pms.sessions.all().find((x) => x.viewOffsetMs === 90_000)!;
      expect((await lookups.sessionPosition(episode, 'bedroom-tv'))?.viewOffset).toBe(300_000);
      expect((await lookups.sessionPosition(episode, main.player.uuid))?.viewOffset).toBe(90_000);
      expect(await lookups.sessionPosition(episode, 'a-player-not-playing-it')).toBeNull();
      expect(await lookups.sessionPosition(episode)).toBeNull(); // which one? neither
    } finally {
      fakes.pms.clearSessions();
    }
    expect(await lookups.showIds(fakes.pms.ratingKeyOf('show-1'))).toMatchObject({ imdb: expect.any(String) });

    await saveSectionSelection(ctx.deps.db, result.serverId, [
      { key: String(SECTION_MOVIES), title: 'Movies', type: 'movie', selected: false },
      { key: String(SECTION_SHOWS), title: 'Shows', type: 'show', selected: true },
    ]);
    expect(await s.librarySelected(String(SECTION_MOVIES))).toBe(false);
    const sync = (await syncPlexPort(ctx.deps.plex)())!;
    expect(sync.machineIdentifier).toBe(fakes.pms.machineIdentifier);
    expect((await sync.sections()).map((x) => x.id)).toEqual([String(SECTION_SHOWS)]);
    const page = await sync.items(String(SECTION_SHOWS), 4, { start: 0, size: 10 });
    expect(page.totalSize).toBe(2);
  });

  it('ask a PLEX_URL server that does not answer its identity at most once a minute, not once per event; meanwhile it is connected but unknown', async () => {
    ctx = await makeTestContext({ PLEX_URL: fakes.pmsUrl, PLEX_TOKEN: fakes.pms.tokenFor() });
    const s = scrobblePlexPorts(ctx.deps.plex);
    const asked = () => fakes.pms.server.requests.filter((r) => r.path === '/' || r.path === '/identity').length;
    fakes.pms.server.inject(/^\/(identity)?$/, { kind: 'status', status: 503 }, 1000);
    const before = asked();
    // Connected but unknown: not "no server" (which would let any server's events through).
    expect((await s.connectedServer())?.uuid).toBeNull();
    const afterFirst = asked();
    expect(afterFirst).toBeGreaterThan(before);
    expect((await s.connectedServer())?.uuid).toBeNull();
    expect(asked()).toBe(afterFirst); // not asked again for the next event
    fakes.pms.server.clearFaults();
  });
});
