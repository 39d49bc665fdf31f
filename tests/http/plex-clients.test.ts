/** The Plex clients against the Plex emulators: PIN, user, resources, connections, library paging, writes, retries, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlexHttpError, PlexResponseError, PlexUnauthorizedError, PlexUnreachableError } from '../../src/plex/errors.js';
import { joinPlexUrl } from '../../src/plex/http.js';
import { bestConnection, testConnections } from '../../src/plex/pick-connection.js';
import { PlexServerClient } from '../../src/plex/server-client.js';
import { plexAuthUrl, PlexTvClient } from '../../src/plex/tv-client.js';
import { deadPort, startPlexFakes, startPlexTvFake, type PlexFakes } from '../fakes/plex/index.js';
import { buildLibrary, SECTION_MOVIES, SECTION_SHOWS } from '../sync/sync-library.js';

const CLIENT_ID = 'test-client-0001';
const noSleep = async () => {};
let fakes: PlexFakes;

beforeAll(async () => {
  fakes = await startPlexFakes({ library: buildLibrary({ movies: 7, shows: 2, episodesPerShow: 4, seasons: 2 }) });
});
afterAll(async () => fakes?.stop());

const tv = () => new PlexTvClient({ baseUrl: fakes.tvUrl, clientIdentifier: CLIENT_ID, sleep: noSleep });
const server = (token = fakes.pms.tokenFor(), baseUrl = fakes.pmsUrl) => new PlexServerClient({ baseUrl, token, clientIdentifier: CLIENT_ID, sleep: noSleep });

describe('plex.tv client', () => {
  it('creates a strong PIN, sees it pending, then approved with a token that /api/v2/user accepts', async () => {
    const client = tv();
    const pin = await client.createPin();
    expect(pin.code.length).toBeGreaterThanOrEqual(20);
    expect(pin.authToken).toBeNull();
    expect((await client.checkPin(pin.id))?.authToken).toBeNull();
    const sent = fakes.tv.server.received('/api/v2/pins', 'POST').at(-1)!;
    expect(sent.headers['x-plex-client-identifier']).toBe(CLIENT_ID);
    expect(sent.headers['x-plex-product']).toBe('Plex-Trakt Sync');
    expect(sent.query).toContain('strong=true');

    const token = fakes.tv.approvePin(pin.id)!;
    const approved = await client.checkPin(pin.id);
    expect(approved?.authToken).toBe(token);
    const user = await client.user(token);
    expect(user.username).toBe(fakes.accounts.owner.username);
    expect(user.id).toBe(fakes.accounts.owner.plexTvId);
  });

  it('answers null for an expired PIN and 401 as a sentence for a wrong token', async () => {
    const client = tv();
    const pin = await client.createPin();
    fakes.tv.expirePin(pin.id);
    expect(await client.checkPin(pin.id)).toBeNull();
    await expect(client.user('not-a-token')).rejects.toThrow(PlexUnauthorizedError);
    await expect(client.user('not-a-token')).rejects.toThrow(/Sign in with Plex again/);
  });

  it('lists the servers with their own access token, and finds the working local connection among dead ones', async () => {
    const owner = fakes.accounts.owner;
    const servers = await tv().servers(owner.userToken);
    expect(servers).toHaveLength(1);
    const s = servers[0]!;
    expect(s).toMatchObject({ name: fakes.pms.name, clientIdentifier: fakes.pms.machineIdentifier, owned: true, accessToken: owner.serverToken });
    expect(s.connections.map((c) => [c.local, c.relay])).toEqual([[false, false], [false, true], [true, false]]);
    const tests = await testConnections(s, { clientIdentifier: CLIENT_ID, timeoutMs: 2000 });
    expect(tests.filter((t) => t.ok).map((t) => t.uri)).toEqual([fakes.pmsUrl]);
    expect(tests.find((t) => !t.ok)?.error).toMatch(/could not be reached/);
    expect(bestConnection(tests)?.uri).toBe(fakes.pmsUrl);
  });

  it('appends paths to a base URL that carries a path prefix', async () => {
    const prefixed = await startPlexTvFake({ pathPrefix: '/plextv' });
    try {
      const client = new PlexTvClient({ baseUrl: `${prefixed.url}/`, clientIdentifier: CLIENT_ID });
      expect(prefixed.url.endsWith('/plextv')).toBe(true);
      const pin = await client.createPin();
      expect(pin.id).toBeGreaterThan(0);
      expect(plexAuthUrl(prefixed.authUrl, CLIENT_ID, pin.code)).toBe(
        `${prefixed.url}/auth#?clientID=${CLIENT_ID}&code=${pin.code}&context%5Bdevice%5D%5Bproduct%5D=Plex-Trakt%20Sync`,
      );
    } finally {
      await prefixed.stop();
    }
    expect(joinPlexUrl('http://h/p/', '/a', { 'lastViewedAt>>': 5, x: undefined })).toBe('http://h/p/a?lastViewedAt%3E%3E=5');
  });
});

describe('Plex server client', () => {
  it('reads identity, server info and the sections', async () => {
    const c = server();
    expect((await c.identity()).machineIdentifier).toBe(fakes.pms.machineIdentifier);
    expect(await c.serverInfo()).toMatchObject({ name: fakes.pms.name, machineIdentifier: fakes.pms.machineIdentifier });
    const sections = await c.sections();
    expect(sections.map((s) => [s.key, s.type])).toEqual(expect.arrayContaining([[String(SECTION_MOVIES), 'movie'], [String(SECTION_SHOWS), 'show']]));
    const req = fakes.pms.server.received('/library/sections').at(-1)!;
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['x-plex-token']).toBe(fakes.pms.tokenFor());
    expect(req.headers['x-plex-client-identifier']).toBe(CLIENT_ID);
  });

  it('pages through a section with X-Plex-Container-Start/Size and includeGuids, in bounded steps', async () => {
    const c = server();
    fakes.pms.server.clearLog();
    const pages = [];
    for await (const page of c.iterateItems(String(SECTION_MOVIES), 1, { pageSize: 3 })) pages.push(page);
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.every((p) => p.totalSize === 7)).toBe(true);
    const keys = pages.flatMap((p) => p.items.map((i) => i.ratingKey));
    expect(new Set(keys).size).toBe(7);
    expect(pages[0]!.items[0]!.Guid?.length).toBeGreaterThan(0);
    const reqs = fakes.pms.server.received(`/library/sections/${SECTION_MOVIES}/all`);
    expect(reqs).toHaveLength(3);
    expect(reqs[1]!.headers['x-plex-container-start']).toBe('3');
    expect(reqs[1]!.query).toContain('includeGuids=1');

    const episodes = [];
    for await (const page of c.iterateItems(String(SECTION_SHOWS), 4, { pageSize: 100 })) episodes.push(...page.items);
    expect(episodes).toHaveLength(8);
    expect(episodes[0]).toMatchObject({ type: 'episode' });
  });

  it('stops on a server that forces smaller pages than asked, without skipping items', async () => {
    fakes.pms.forcePageSize = 2;
    try {
      const keys: string[] = [];
      for await (const page of server().iterateItems(String(SECTION_MOVIES), 1, { pageSize: 5 })) keys.push(...page.items.map((i) => i.ratingKey));
      expect(new Set(keys).size).toBe(7);
    } finally {
      fakes.pms.forcePageSize = undefined;
    }
  });

  it('reads an item, a show\'s episodes, and null for a missing item', async () => {
    const c = server();
    const movieKey = fakes.pms.ratingKeyOf('movie-1');
    expect(await c.metadata(movieKey)).toMatchObject({ ratingKey: movieKey, type: 'movie', title: 'Movie 1' });
    expect(await c.metadata('999999')).toBeNull();
    const showKey = fakes.pms.ratingKeyOf('show-1');
    expect(await c.allLeaves(showKey)).toHaveLength(4);
    expect((await c.children(showKey)).map((s) => s.type)).toEqual(['season', 'season']);
  });

  it('marks watched and unwatched, rates and clears a rating', async () => {
    const c = server();
    const key = fakes.pms.ratingKeyOf('movie-2');
    await c.markWatched(key);
    expect(fakes.pms.stateOf(key).viewCount).toBe(1);
    await c.markUnwatched(key);
    expect(fakes.pms.stateOf(key).viewCount).toBe(0);
    await c.rate(key, 8);
    expect(fakes.pms.stateOf(key).userRating).toBe(8);
    await c.rate(key, null);
    expect(fakes.pms.stateOf(key).userRating).toBeUndefined();
    await expect(c.rate(key, 11)).rejects.toThrow(RangeError);
    expect(fakes.pms.callsFor(key).map((x) => x.action)).toEqual(['scrobble', 'unscrobble', 'rate', 'rate']);
  });

  it('lists live sessions with their position', async () => {
    const key = fakes.pms.ratingKeyOf('movie-3');
    fakes.pms.setSession({ ref: key, viewOffsetMs: 120_000, state: 'playing' });
    try {
      const sessions = await server().sessions();
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ ratingKey: key, viewOffset: 120_000 });
    } finally {
      fakes.pms.clearSessions();
    }
  });

  it('retries 5xx and dropped connections with backoff, counting every answer', async () => {
    const delays: number[] = [];
    const c = new PlexServerClient({ baseUrl: fakes.pmsUrl, token: fakes.pms.tokenFor(), clientIdentifier: CLIENT_ID, sleep: async (ms) => void delays.push(ms), random: () => 0.5 });
    fakes.pms.server.inject('/library/sections', { kind: 'status', status: 503 }, 1);
    fakes.pms.server.inject('/library/sections', { kind: 'drop' }, 1);
    expect((await c.sections()).length).toBeGreaterThan(0);
    expect(c.http.counters.requests.get('GET 503')).toBe(1);
    expect(c.http.counters.requests.get('GET 0')).toBe(1);
    expect(c.http.counters.requests.get('GET 200')).toBe(1);
    expect(c.http.counters.retries).toBe(2);
    expect(delays).toEqual([375, 750]);

    fakes.pms.server.inject('/library/sections', { kind: 'status', status: 500 }, 3);
    await expect(c.sections()).rejects.toThrow(PlexHttpError);
  });

  it('turns a wrong token, a dead port, a timeout and a non-Plex answer into sentences', async () => {
    await expect(server('wrong-token').sections()).rejects.toThrow(/refused the Plex token \(401\)\. Sign in with Plex again/);
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const err = await server(fakes.pms.tokenFor(), dead).identity({ retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }).catch((e) => e);
    expect(err).toBeInstanceOf(PlexUnreachableError);
    expect(err.message).toMatch(/could not be reached \(ECONNREFUSED\)/);

    fakes.pms.server.inject('/identity', { kind: 'timeout' }, 1);
    const slow = await server().identity({ timeoutMs: 200, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } }).catch((e) => e);
    expect(slow).toBeInstanceOf(PlexUnreachableError);
    expect(slow.message).toMatch(/did not answer within 0.2 s/);

    fakes.pms.server.inject('/identity', { kind: 'garbage', body: '<html>router login</html>', contentType: 'text/html' }, 1);
    await expect(server().identity()).rejects.toThrow(PlexResponseError);
  });
});
