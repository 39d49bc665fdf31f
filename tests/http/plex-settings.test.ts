/** Connecting Plex from the settings page over HTTP, against the Plex emulators: PIN, picker, manual, libraries, environment. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getPlexOwner, getSelectedServer, listSectionSelection } from '../../src/db/repos/plex.js';
import { deadPort, startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { buildLibrary, SECTION_MOVIES, SECTION_SHOWS } from '../sync/sync-library.js';

const HX = { headers: { 'hx-request': 'true' } };
let fakes: PlexFakes;
let ctx: TestContext;
let client: FormClient;

beforeAll(async () => {
  fakes = await startPlexFakes({ library: buildLibrary({ movies: 3, shows: 1, episodesPerShow: 2 }) });
});
afterAll(async () => fakes?.stop());

async function start(env: Record<string, string> = {}) {
  ctx = await makeTestContext({ PLEX_TV_URL: fakes.tvUrl, PLEX_AUTH_URL: fakes.authUrl, ...env });
  ctx.deps.plex.overrides = { connectTimeoutMs: 1500 };
  client = new FormClient(ctx.app);
  await setUpAdmin(client, ctx.deps.setupCode);
  await client.get('/settings');
}
afterEach(async () => ctx?.close());

const html = async (r: Response | Promise<Response>) => (await r).text();

describe('Sign in with Plex from Settings', () => {
  it('creates a PIN, sends the new tab to the auth page, polls until approved, picks the local connection, and connects', async () => {
    await start();
    const page = await html(client.get('/settings'));
    expect(page).toContain('id="settings-plex"');
    expect(page).toContain('Sign in with Plex');

    const open = await client.post('/settings/plex/pin', {});
    expect(open.status).toBe(200);
    const location = /<meta http-equiv="refresh" content="0;url=([^"]+)"/.exec(await open.text())![1]!.replaceAll('&amp;', '&');
    expect(location.startsWith(`${fakes.authUrl}#?clientID=plex-trakt-sync-`)).toBe(true);
    expect(location).toContain('&context%5Bdevice%5D%5Bproduct%5D=Plex-Trakt%20Sync');
    const code = /[?&]code=([^&]+)/.exec(location)![1]!;

    const waiting = await html(client.post('/settings/plex/pin/poll', { tries: '0' }, HX));
    expect(waiting).toContain('id="plex-pin-waiting"');
    expect(waiting).toContain('hx-trigger="load delay:1s"');

    fakes.tv.approvePin(code);
    const picker = await html(client.post('/settings/plex/pin/poll', { tries: '1' }, HX));
    expect(picker).toContain(`Signed in to Plex as ${fakes.accounts.owner.username}`);
    // Every connection is listed with its test; the working local one is preselected.
    const radios = [...picker.matchAll(/<input type="radio" name="choice" value="([^"]+)"([^>]*)>/g)];
    expect(radios).toHaveLength(3);
    const checked = radios.filter((r) => r[2]!.includes('checked'));
    expect(checked.map((r) => r[1])).toEqual([`${fakes.pms.machineIdentifier} ${fakes.pmsUrl}`]);
    expect(picker).toContain('could not be reached');
    expect(picker).not.toContain(fakes.accounts.owner.serverToken);

    const connected = await html(client.post('/settings/plex/server', { choice: checked[0]![1]! }, HX));
    expect(connected).toContain(`Connected to ${fakes.pms.name} at ${fakes.pmsUrl}`);
    expect(connected).toContain('data-state="connected"');

    const server = (await getSelectedServer(ctx.deps.db))!;
    expect(server).toMatchObject({ name: fakes.pms.name, machine_identifier: fakes.pms.machineIdentifier, url: fakes.pmsUrl, source: 'pin' });
    expect(server.access_token).not.toContain(fakes.accounts.owner.serverToken);
    expect(ctx.deps.cipher.decrypt(server.access_token)).toBe(fakes.accounts.owner.serverToken);
    const owner = (await getPlexOwner(ctx.deps.db))!;
    expect(owner).toMatchObject({ username: fakes.accounts.owner.username, plex_user_id: fakes.accounts.owner.plexTvId, is_owner: 1 });
    expect(owner.token).not.toContain(fakes.tv.accounts.owner.userToken.slice(0, 10));

    // Fetch libraries: every movie and show library ticked by default; untick one and save.
    const libs = await html(client.post('/settings/plex/libraries', {}, HX));
    const boxes = [...libs.matchAll(/<input type="checkbox" name="section:(\d+)" value="1"( checked="")?/g)];
    expect(boxes.map((b) => [b[1], !!b[2]])).toEqual(expect.arrayContaining([[String(SECTION_MOVIES), true], [String(SECTION_SHOWS), true]]));
    expect((await ctx.deps.plex.selectedSections()).map((s) => s.key).sort()).toEqual([String(SECTION_MOVIES), String(SECTION_SHOWS)].sort());
    const saved = await html(client.post('/settings/plex/libraries/save', { [`section:${SECTION_SHOWS}`]: '1' }, HX));
    expect(saved).toContain('Saved: 1 of 2 libraries are synced.');
    expect((await ctx.deps.plex.selectedSections()).map((s) => s.key)).toEqual([String(SECTION_SHOWS)]);
    expect(await ctx.deps.plex.sectionSelected(String(SECTION_MOVIES))).toBe(false);
    expect(await ctx.deps.plex.sectionSelected('77')).toBe(true);

    const dash = await html(client.get('/'));
    expect(dash).toContain(`Connected to ${fakes.pms.name}`);
    const test = await html(client.post('/settings/plex/test', {}, HX));
    expect(test).toContain(`${fakes.pms.name} answers`);

    const logs = ctx.logs.text();
    for (const secret of [fakes.accounts.owner.serverToken, owner.token && ctx.deps.cipher.decrypt(owner.token)]) expect(logs).not.toContain(secret!);

    const gone = await html(client.post('/settings/plex/disconnect', {}, HX));
    expect(gone).toContain('Plex is disconnected');
    expect(await ctx.deps.plex.server()).toBeNull();
  });

  it('says when the PIN expired and offers a retry', async () => {
    await start();
    const open = await client.post('/settings/plex/pin', {});
    const code = /[?&;]code=([^&]+)/.exec(await open.text())![1]!;
    fakes.tv.expirePin(code);
    const expired = await html(client.post('/settings/plex/pin/poll', { tries: '3' }, HX));
    expect(expired).toContain('The Plex sign-in request expired before it was approved. Click Sign in with Plex to try again.');
    expect(expired).toContain('id="plex-signin"');
    expect(await getPlexOwner(ctx.deps.db)).toBeUndefined();
  });

  it('gives up politely when no sign-in ever started', async () => {
    await start();
    const gaveUp = await html(client.post('/settings/plex/pin/poll', { tries: '20' }, HX));
    expect(gaveUp).toContain('The Plex sign-in did not start.');
  });
});

describe('Connecting with a URL and token', () => {
  it('puts each failure next to its field and saves nothing', async () => {
    await start();
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ url: '', token: 'abcdefghij' }, 'plex-url-error', /Enter the address of your Plex server/],
      [{ url: 'ftp://nas:32400', token: 'abcdefghij' }, 'plex-url-error', /must start with http/],
      [{ url: 'not a url', token: 'abcdefghij' }, 'plex-url-error', /That is not a URL/],
      [{ url: fakes.pmsUrl, token: '' }, 'plex-token-error', /Enter the Plex token/],
      [{ url: fakes.pmsUrl, token: 'bad token!' }, 'plex-token-error', /does not look like a Plex token/],
      [{ url: `http://127.0.0.1:${await deadPort()}`, token: 'abcdefghijklmnopqrst' }, 'plex-url-error', /could not be reached \(ECONNREFUSED\)/],
      [{ url: fakes.pmsUrl, token: 'abcdefghijklmnopqrst' }, 'plex-token-error', /refused this token/],
    ];
    for (const [form, errorId, message] of cases) {
      const res = await client.post('/settings/plex/manual', form, HX);
      const body = await res.text();
      expect(body, JSON.stringify(form)).toContain(`id="${errorId}"`);
      expect(body).toMatch(message);
    }
    fakes.pms.server.inject('/identity', { kind: 'timeout' }, 1);
    const slow = await html(client.post('/settings/plex/manual', { url: fakes.pmsUrl, token: fakes.pms.tokenFor() }, HX));
    expect(slow).toContain('did not answer within 1.5 s');
    expect(await getSelectedServer(ctx.deps.db)).toBeUndefined();

    const ok = await html(client.post('/settings/plex/manual', { url: `${fakes.pmsUrl}/`, token: fakes.pms.tokenFor() }, HX));
    expect(ok).toContain(`Connected to ${fakes.pms.name} at ${fakes.pmsUrl}`);
    expect(await getSelectedServer(ctx.deps.db)).toMatchObject({ source: 'manual', url: fakes.pmsUrl });
    expect(ctx.logs.text()).not.toContain(fakes.pms.tokenFor());
  });
});

describe('PLEX_URL and PLEX_TOKEN', () => {
  it('preset the server without any login, read-only, and its libraries can still be chosen', async () => {
    await start({ PLEX_URL: fakes.pmsUrl, PLEX_TOKEN: fakes.pms.tokenFor() });
    const page = await html(client.get('/settings'));
    expect(page).toContain('Set by PLEX_URL and PLEX_TOKEN in the environment');
    expect(page).not.toContain('id="plex-disconnect"');
    expect(page).not.toContain(fakes.pms.tokenFor());
    expect((await ctx.deps.plex.server())?.baseUrl).toBe(fakes.pmsUrl);
    const libs = await html(client.post('/settings/plex/libraries', {}, HX));
    expect(libs).toContain('id="plex-libraries-form"');
    expect(await html(client.get('/'))).toContain(`Connected to ${fakes.pms.name}`);
    const status = await ctx.app.request('/api/v1/status', { headers: { 'x-api-key': ctx.deps.secrets.apiKey() } });
    expect(((await status.json()) as { plex: unknown }).plex).toMatchObject({ connected: true, source: 'env', server: fakes.pms.name, machineIdentifier: fakes.pms.machineIdentifier });
  });

  it('says which half is missing when only one is set', async () => {
    await start({ PLEX_URL: fakes.pmsUrl });
    expect(await html(client.get('/settings'))).toContain('PLEX_URL is set but PLEX_TOKEN is not');
  });
});
