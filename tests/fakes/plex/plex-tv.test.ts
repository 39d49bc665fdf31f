import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_PLEX_TV_ID } from './accounts.js';
import { fetchJson, startHarness, type Harness, type JsonResponse } from './test-support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.fakes.stop());

const CLIENT = { 'x-plex-client-identifier': 'pts-client-0001', 'x-plex-product': 'Plex-Trakt Sync', accept: 'application/json' };

function tv(path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  return fetchJson(`${h.fakes.tvUrl}${path}`, { method: init.method ?? 'GET', headers: init.headers ?? CLIENT });
}

describe('plex.tv PIN login', () => {
  it('requires the client identifier and the product, as headers or query parameters', async () => {
    const noClient = await tv('/api/v2/pins?strong=true', { method: 'POST', headers: { 'x-plex-product': 'X', accept: 'application/json' } });
    expect(noClient.status).toBe(400);
    expect((await noClient.json()).errors[0].message).toMatch(/Client-Identifier/);
    const noProduct = await tv('/api/v2/pins?strong=true', { method: 'POST', headers: { 'x-plex-client-identifier': 'c', accept: 'application/json' } });
    expect(noProduct.status).toBe(400);
    const viaQuery = await tv('/api/v2/pins?strong=true&X-Plex-Client-Identifier=q1&X-Plex-Product=Q', { method: 'POST', headers: { accept: 'application/json' } });
    expect(viaQuery.status).toBe(201);
    expect((await viaQuery.json()).clientIdentifier).toBe('q1');
  });

  it('creates a strong PIN with the documented shape, polls null, then the token once approved', async () => {
    const created = await tv('/api/v2/pins?strong=true', { method: 'POST' });
    expect(created.status).toBe(201);
    const pin = await created.json();
    expect(pin).toMatchObject({ product: 'Plex-Trakt Sync', trusted: false, clientIdentifier: 'pts-client-0001', expiresIn: 1800, authToken: null, newRegistration: null });
    expect(pin.id).toEqual(expect.any(Number));
    expect(pin.code).toMatch(/^[a-z0-9]{25}$/);
    expect(Date.parse(pin.expiresAt) - Date.parse(pin.createdAt)).toBe(1_800_000);
    expect(pin.location).toHaveProperty('country');

    const polled = await (await tv(`/api/v2/pins/${pin.id}`)).json();
    expect(polled.authToken).toBeNull();

    const token = h.fakes.tv.approvePin(pin.code);
    expect(token).toEqual(expect.any(String));
    h.clock.advance(5_000);
    const approved = await (await tv(`/api/v2/pins/${pin.id}`)).json();
    expect(approved.authToken).toBe(token);
    expect(approved.expiresIn).toBe(1795);

    const user = await tv('/api/v2/user', { headers: { accept: 'application/json', 'x-plex-token': token! } });
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ id: OWNER_PLEX_TV_ID, username: 'owner-pat', title: 'owner-pat', email: expect.stringContaining('@'), thumb: expect.stringMatching(/^https:/), uuid: expect.any(String) });
  });

  it('gives short 4-character PINs without strong=true', async () => {
    const pin = await (await tv('/api/v2/pins', { method: 'POST' })).json();
    expect(pin.code).toMatch(/^[A-Z0-9]{4}$/);
    expect(pin.expiresIn).toBe(900);
  });

  it('answers 404 once the PIN expired, for another client, or for an unknown id', async () => {
    const pin = await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json();
    const other = await tv(`/api/v2/pins/${pin.id}`, { headers: { ...CLIENT, 'x-plex-client-identifier': 'someone-else' } });
    expect(other.status).toBe(404);
    expect((await tv('/api/v2/pins/1')).status).toBe(404);
    h.clock.advance(1_800_000);
    expect((await tv(`/api/v2/pins/${pin.id}`)).status).toBe(404);
    expect(h.fakes.tv.approvePin(pin.id)).toBeNull();

    const early = await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json();
    expect(h.fakes.tv.expirePin(early.code)).toBe(true);
    expect((await tv(`/api/v2/pins/${early.id}`)).status).toBe(404);
  });

  it('approves through the page endpoint only for the PIN owner client, as the chosen account', async () => {
    const pin = await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json();
    const post = (body: unknown) => fetchJson(`${h.fakes.authUrl}/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ clientID: 'wrong', code: pin.code })).status).toBe(400);
    expect((await post({ clientID: 'pts-client-0001', code: 'nope' })).status).toBe(404);
    const ok = await post({ clientID: 'pts-client-0001', code: pin.code, accountId: 5_551_234 });
    expect(ok.status).toBe(200);
    expect((await ok.json()).username).toBe('kid-sam');
    const token = (await (await tv(`/api/v2/pins/${pin.id}`)).json()).authToken;
    const user = await (await tv('/api/v2/user', { headers: { accept: 'application/json', 'x-plex-token': token } })).json();
    expect(user.id).toBe(5_551_234);
  });

  it('answers XML unless JSON is asked for', async () => {
    const res = await tv('/api/v2/pins?strong=true', { method: 'POST', headers: { 'x-plex-client-identifier': 'x', 'x-plex-product': 'X' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/xml/);
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toMatch(/<pin id="\d+" code="[a-z0-9]{25}"[^>]*clientIdentifier="x"/);
  });

  it('serves the auth page as HTML that reads the fragment', async () => {
    const res = await fetchJson(h.fakes.authUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('location.hash');
    expect(html).toContain('You can close this tab');
  });
});

describe('plex.tv account and resources', () => {
  const owner = () => ({ accept: 'application/json', 'x-plex-token': h.fakes.accounts.owner.userToken });

  it('answers 401 to /user and /resources without a valid token', async () => {
    expect((await tv('/api/v2/user', { headers: { accept: 'application/json' } })).status).toBe(401);
    const bad = await tv('/api/v2/resources', { headers: { accept: 'application/json', 'x-plex-token': 'nope' } });
    expect(bad.status).toBe(401);
    expect((await bad.json()).errors[0].status).toBe(401);
    // A server token is not a plex.tv token.
    expect((await tv('/api/v2/user', { headers: { accept: 'application/json', 'x-plex-token': h.token } })).status).toBe(401);
    const revoked = h.fakes.accounts.issueUserToken(1);
    h.fakes.accounts.revoke(revoked);
    expect((await tv('/api/v2/user', { headers: { accept: 'application/json', 'x-plex-token': revoked } })).status).toBe(401);
  });

  it('lists the owned server with its own access token and a working local connection among dead ones', async () => {
    const res = await tv('/api/v2/resources?includeHttps=1&includeRelay=1', { headers: owner() });
    expect(res.status).toBe(200);
    const devices = await res.json();
    expect(devices).toHaveLength(2);
    const server = devices.find((d: any) => d.provides === 'server');
    expect(server).toMatchObject({ name: 'Test NAS', product: 'Plex Media Server', clientIdentifier: 'aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00', owned: true, presence: true });
    expect(server.accessToken).toBe(h.token);
    expect(server.accessToken).not.toBe(h.fakes.accounts.owner.userToken);
    expect(devices.find((d: any) => d.provides.includes('player'))).toMatchObject({ product: expect.stringContaining('Plex for'), owned: true });

    const local = server.connections.filter((c: any) => c.local);
    expect(local).toHaveLength(1);
    expect(server.connections.some((c: any) => c.relay)).toBe(true);
    expect(server.connections[0].local).toBe(false); // a picker that takes the first one gets a dead one
    const identity = await (await fetchJson(`${local[0].uri}/identity`, { headers: { accept: 'application/json' } })).json();
    expect(identity.MediaContainer.machineIdentifier).toBe(server.clientIdentifier);
    const sections = await fetchJson(`${local[0].uri}/library/sections`, { headers: { 'x-plex-token': server.accessToken } });
    expect(sections.status).toBe(200);
    for (const dead of server.connections.filter((c: any) => !c.local)) {
      await expect(fetch(`${dead.uri.replace('https:', 'http:')}/identity`)).rejects.toThrow();
    }
  });

  it('gives another account the server as shared, with that account\'s own server token', async () => {
    const sam = h.fakes.accounts.get(5_551_234);
    const devices = await (await tv('/api/v2/resources', { headers: { accept: 'application/json', 'x-plex-token': sam.userToken } })).json();
    const server = devices.find((d: any) => d.provides === 'server');
    expect(server).toMatchObject({ owned: false, accessToken: sam.serverToken, sourceTitle: 'owner-pat' });
  });

  it('lists resources as XML with nested connections by default', async () => {
    const xml = await (await tv('/api/v2/resources', { headers: { 'x-plex-token': h.fakes.accounts.owner.userToken } })).text();
    expect(xml).toMatch(/<resources size="2"><resource name="Test NAS"/);
    expect(xml).toMatch(/<connections><connection protocol="https"[^>]*local="0"/);
  });

  it('lists home users and switches to one with the admin token only', async () => {
    const home = await (await tv('/api/v2/home/users', { headers: owner() })).json();
    expect(home.users.map((u: any) => u.username)).toEqual(['owner-pat', 'kid-sam']);
    const switched = await tv('/api/v2/home/users/5551234/switch', { method: 'POST', headers: owner() });
    expect(switched.status).toBe(201);
    const { authToken } = await switched.json();
    const user = await (await tv('/api/v2/user', { headers: { accept: 'application/json', 'x-plex-token': authToken } })).json();
    expect(user.username).toBe('kid-sam');
    const sam = h.fakes.accounts.get(5_551_234);
    const refused = await tv(`/api/v2/home/users/${OWNER_PLEX_TV_ID}/switch`, { method: 'POST', headers: { accept: 'application/json', 'x-plex-token': sam.userToken } });
    expect(refused.status).toBe(403);
  });

  it('a protected Home user switches only with their PIN (by uuid or id): 401 for a wrong or missing one', async () => {
    const kid = h.fakes.accounts.upsert({ id: 5_551_300, username: 'kid-pin', kind: 'home', pin: '2468' });
    const home = await (await tv('/api/v2/home/users', { headers: owner() })).json();
    expect(home.users.find((u: any) => u.uuid === kid.uuid)).toMatchObject({ id: kid.plexTvId, protected: true, admin: false });
    expect((await tv(`/api/v2/home/users/${kid.uuid}/switch`, { method: 'POST', headers: owner() })).status).toBe(401);
    const wrong = await tv(`/api/v2/home/users/${kid.uuid}/switch?pin=1111`, { method: 'POST', headers: owner() });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).errors[0]).toMatchObject({ code: 1041, message: 'Invalid PIN' });
    const right = await tv(`/api/v2/home/users/${kid.uuid}/switch?pin=2468`, { method: 'POST', headers: owner() });
    expect(right.status).toBe(201);
    const { authToken } = await right.json();
    // The switched token lists the server with the Home user's own server token.
    const resources = await (await tv('/api/v2/resources', { headers: { accept: 'application/json', 'x-plex-token': authToken } })).json();
    expect(resources.find((r: any) => r.provides.includes('server')).accessToken).toBe(kid.serverToken);
    expect((await tv(`/api/v2/home/users/${kid.plexTvId}/switch?pin=2468`, { method: 'POST', headers: owner() })).status).toBe(201);
  });

  it('lists friends (XML) and their shared-server tokens, or none in the refusing mode; friends are not Home users', async () => {
    const pal = h.fakes.accounts.upsert({ id: 6_661_000, username: 'pal-friend', kind: 'friend' });
    const home = await (await tv('/api/v2/home/users', { headers: owner() })).json();
    expect(home.users.map((u: any) => u.username)).not.toContain('pal-friend');
    expect((await tv(`/api/v2/home/users/${pal.plexTvId}/switch`, { method: 'POST', headers: owner() })).status).toBe(404);
    const ownerXml = { 'x-plex-token': h.fakes.accounts.owner.userToken };
    const friends = await (await tv('/api/users/', { headers: ownerXml })).text();
    expect(friends).toMatch(new RegExp(`<User id="${pal.plexTvId}" title="pal-friend" username="pal-friend"[^>]*><Server [^>]*machineIdentifier="${h.fakes.pms.machineIdentifier}"`));
    const shared = `/api/servers/${h.fakes.pms.machineIdentifier}/shared_servers`;
    expect(await (await tv(shared, { headers: ownerXml })).text()).toContain(`userID="${pal.plexTvId}" accessToken="${pal.serverToken}"`);
    h.fakes.tv.friendTokens = false;
    try {
      expect(await (await tv(shared, { headers: ownerXml })).text()).toContain(`userID="${pal.plexTvId}" accessToken=""`);
    } finally {
      h.fakes.tv.friendTokens = true;
    }
    expect((await tv('/api/users/', { headers: { 'x-plex-token': pal.userToken } })).status).toBe(403);
  });

  it('drives PINs through /__control for another process', async () => {
    const pin = await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json();
    const listed = await (await fetchJson(`${h.fakes.tvUrl}/__control/pins`, { method: 'POST' })).json();
    expect(listed.map((p: any) => p.id)).toContain(pin.id);
    const approved = await (await fetchJson(`${h.fakes.tvUrl}/__control/approve-pin`, { method: 'POST', body: JSON.stringify({ ref: pin.id }) })).json();
    expect(approved.authToken).toEqual(expect.any(String));
    expect((await (await tv(`/api/v2/pins/${pin.id}`)).json()).authToken).toBe(approved.authToken);
  });
});
