/**
 * Households through the real service: the Plex emulators (plex.tv with a Home user who has
 * a PIN and a friend; the server preset by PLEX_URL/PLEX_TOKEN) and the Trakt emulator with
 * three accounts. Each person's own Trakt account is connected by the device-code login
 * (approved on the emulator for that person's Trakt user), and webhooks from each person
 * must land on that account only.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traktLoginCommand } from '../../src/cli/login-trakt.js';
import { loadConfig } from '../../src/config/env.js';
import { getPerson } from '../../src/db/repos/people.js';
import { upsertPlexAccount } from '../../src/db/repos/plex.js';
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { runPersonLogin } from '../../src/people/trakt-login.js';
import { generateLibrary, isEdgeKey, type Library } from '../fakes/library/index.js';
import { OWNER_PLEX_TV_ID, sendEvent, startPlexFakes, type PlexFakes, type SendResult } from '../fakes/plex/index.js';
import { seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { settled } from '../fixtures/webhooks/service.js';
import { FormClient } from '../helpers/browser-client.js';
import { LogCapture } from '../helpers/context.js';
import { loopbackServiceEnv, plexPresetEnv, traktEnv } from '../helpers/emulator-env.js';
import { preconnectTrakt } from '../helpers/trakt-connected.js';

const PASSWORD = 'people-admin-password';
const KID = 5001; // a protected Plex Home user (PIN 4321)
const PAL = 6001; // a friend the server is shared with
const GUEST = 7001; // a friend with no Trakt account

let lib: Library;
let plex: PlexFakes;
let trakt: TraktFake;
let service: ServiceHandle;
let env: Record<string, string>;
let hookUrl: string;
let owner: string;
const logs = new LogCapture();

beforeAll(async () => {
  lib = generateLibrary({ seed: 1414, movies: 40, shows: 4, episodesPerShow: [2, 3], otherAccounts: 0, now: Math.floor(Date.now() / 1000) });
  owner = lib.owner.traktUsername;
  trakt = await startTraktFake({ rateLimits: false, deviceCodeIntervalSec: 1, users: [{ username: owner }, { username: 'kid-trakt' }, { username: 'pal-trakt' }] });
  seedTraktFromLibrary(trakt, lib);
  plex = await startPlexFakes({ library: lib });
  plex.accounts.upsert({ id: KID, username: 'kid', kind: 'home', pin: '4321' });
  plex.accounts.upsert({ id: PAL, username: 'pal', kind: 'friend' });
  plex.accounts.upsert({ id: GUEST, username: 'guest', kind: 'friend' });
  env = { ...loopbackServiceEnv(PASSWORD), ...traktEnv(trakt), ...plexPresetEnv(plex), PLEX_TV_URL: plex.tvUrl };
  await preconnectTrakt(env, trakt, owner);
  service = await startService(loadConfig(env), { logSink: logs });
  // As after "Sign in with Plex": the owner's plex.tv token is stored (sealed).
  const { db, cipher } = service.deps;
  await upsertPlexAccount(db, { plexUserId: OWNER_PLEX_TV_ID, username: plex.accounts.owner.username, sealedToken: cipher.encrypt(plex.accounts.owner.userToken), isOwner: true });
  hookUrl = `${service.url}/webhooks/plex/${service.deps.secrets.webhookSecret()}`;
}, 60_000);

afterAll(async () => {
  await service?.close();
  await Promise.allSettled([plex?.stop(), trakt?.stop()]);
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${service.url}/api/v1${path}`, { ...init, headers: { 'x-api-key': service.deps.secrets.apiKey(), 'content-type': 'application/json', ...(init.headers ?? {}) } });

async function stored(res: SendResult): Promise<WebhookEventRow> {
  expect(res.status).toBe(200);
  return settled(service, (JSON.parse(res.body) as { id: number }).id, 15_000);
}

const used = new Set<string>();
/** A movie nobody has played on Trakt yet, a fresh one per call. */
function freshMovie() {
  const m = lib.movies.find((x) => !used.has(x.key) && x.agent === 'modern' && !isEdgeKey(x.key) && x.traktId !== null && x.trakt.plays.length === 0);
  if (!m) throw new Error('no fresh movie left');
  used.add(m.key);
  return m;
}

const playsOf = (username: string, traktId: number) => trakt.plays(username).filter((p) => p.type === 'movie' && p.trakt === traktId);

/** Connects a person's own Trakt account by device code, approved on the emulator as `traktUser`. */
async function connectPerson(plexAccountId: number, traktUser: string) {
  return runPersonLogin(service.deps, plexAccountId, {
    onCode: (code) => expect(trakt.approveDevice(code.userCode, traktUser)).toBe(true),
  });
}

describe('people: the household from plex.tv', () => {
  it('GET /api/v1/people lists the owner, the Home user (PIN needed) and the friends, as DESIGN.md says', async () => {
    const res = await api('/people');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { people: any[] };
    const byId = new Map(body.people.map((p) => [p.plexAccountId, p]));
    expect(byId.get(1)).toEqual({ plexAccountId: 1, name: plex.accounts.owner.title, kind: 'owner', trakt: { username: owner }, webhooks: true, sync: true, plexAccess: 'ok' });
    expect(byId.get(KID)).toEqual({ plexAccountId: KID, name: 'kid', kind: 'home', trakt: null, webhooks: true, sync: true, plexAccess: 'pin_needed' });
    expect(byId.get(PAL)).toMatchObject({ kind: 'friend', trakt: null, plexAccess: 'ok' });
    // The friend's server token from shared_servers is kept sealed, never as typed.
    const pal = await getPerson(service.deps.db, PAL);
    expect(pal!.plex_token).toBeTruthy();
    expect(pal!.plex_token).not.toBe(plex.accounts.get(PAL).serverToken);
    expect((await api('/people')).status).toBe(200);
    expect((await fetch(`${service.url}/api/v1/people`)).status).toBe(401);
  });

  it('a wrong PIN is a 400 with a sentence (API) and a sentence next to the field (Settings); the right one is checked with plex.tv and stored sealed', async () => {
    const wrong = await api(`/people/${KID}`, { method: 'POST', body: JSON.stringify({ pin: '1111' }) });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).message).toBe('Plex did not accept that PIN for kid: check the four digits with them and enter it again.');
    const notDigits = await api(`/people/${KID}`, { method: 'POST', body: JSON.stringify({ pin: 'abcd' }) });
    expect(notDigits.status).toBe(400);
    expect((await api('/people/424242', { method: 'POST', body: JSON.stringify({ sync: false }) })).status).toBe(404);

    const http = new FormClient({ request: (p, init) => fetch(p, init) }, service.url);
    await http.get('/login');
    await http.post('/login', { password: PASSWORD });
    await http.get('/settings');
    const page = await (await http.post(`/settings/people/${KID}`, { pin: '2222' }, { headers: { 'hx-request': 'true' } })).text();
    expect(page).toMatch(new RegExp(`id="person-${KID}-pin"[^]*aria-describedby="person-${KID}-pin-error"[^]*id="person-${KID}-pin-error"[^]*Plex did not accept that PIN for kid`));
    expect((await getPerson(service.deps.db, KID))!.pin).toBeNull();

    const right = await api(`/people/${KID}`, { method: 'POST', body: JSON.stringify({ pin: '4321' }) });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({ plexAccountId: KID, kind: 'home', plexAccess: 'ok' });
    const row = await getPerson(service.deps.db, KID);
    expect(row!.pin).toBeTruthy();
    expect(row!.pin).not.toContain('4321');
    expect(service.deps.cipher.decrypt(row!.pin!)).toBe('4321');
    // Their own server token (from plex.tv's resources with the switched token) is kept sealed for the per-person sync.
    expect(service.deps.cipher.decrypt(row!.plex_token!)).toBe(plex.accounts.get(KID).serverToken);
    // plex.tv saw the switch with the PIN (by the Home user's uuid), as a real client does.
    const switches = plex.tv.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/switch'));
    expect(switches.at(-1)!.path).toBe(`/api/v2/home/users/${plex.accounts.get(KID).uuid}/switch`);
  });
});

describe('people: webhooks go to each person’s own Trakt account', () => {
  it('three people, three Trakt accounts: a webhook from each lands on its account only', async () => {
    expect((await connectPerson(KID, 'kid-trakt')).username).toBe('kid-trakt');
    expect((await connectPerson(PAL, 'pal-trakt')).username).toBe('pal-trakt');

    const [mOwner, mKid, mPal] = [freshMovie(), freshMovie(), freshMovie()];
    const rows = [
      await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: mOwner.key })),
      await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: mKid.key, accountId: KID })),
      await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: mPal.key, accountId: PAL })),
    ];
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    for (const [user, mine] of [[owner, mOwner], ['kid-trakt', mKid], ['pal-trakt', mPal]] as const) {
      for (const m of [mOwner, mKid, mPal]) expect(playsOf(user, m.traktId!)).toHaveLength(m === mine ? 1 : 0);
    }
    const people = ((await (await api('/people')).json()) as { people: any[] }).people;
    expect(people.find((p) => p.plexAccountId === KID).trakt).toEqual({ username: 'kid-trakt' });
    // The owner keeps the connected account: a household member's never becomes theirs.
    expect(people.find((p) => p.plexAccountId === 1).trakt).toEqual({ username: owner });
  }, 30_000);

  it('a person without a Trakt account is ignored with the reason, and nothing is sent', async () => {
    const m = freshMovie();
    const mark = trakt.server.requests.length;
    const row = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: m.key, accountId: GUEST }));
    expect(row.status).toBe('ignored');
    expect(row.reason).toBe('guest has no Trakt account: connect one for them in Settings → People.');
    expect(trakt.server.requests.slice(mark).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('webhooks off for a person: ignored with that reason; on again: sent to their account', async () => {
    expect((await api(`/people/${KID}`, { method: 'POST', body: JSON.stringify({ webhooks: false }) })).status).toBe(200);
    const m = freshMovie();
    const off = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: m.key, accountId: KID }));
    expect(off).toMatchObject({ status: 'ignored', reason: 'Webhooks are off for kid: turn them on in Settings → People.' });
    expect((await api(`/people/${KID}`, { method: 'POST', body: JSON.stringify({ webhooks: true }) })).status).toBe(200);
    const again = freshMovie();
    expect((await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: again.key, accountId: KID }))).status).toBe('sent');
    expect(playsOf('kid-trakt', again.traktId!)).toHaveLength(1);
    expect(playsOf(owner, again.traktId!)).toHaveLength(0);
  });

  it('Plex refusing a friend’s token says so, and leaves their webhooks working', async () => {
    plex.tv.friendTokens = false;
    await service.deps.people.refresh({ force: true });
    const pal = ((await (await api('/people')).json()) as { people: any[] }).people.find((p) => p.plexAccountId === PAL);
    expect(pal.plexAccess).toBe('refused');
    expect((await getPerson(service.deps.db, PAL))!.plex_access_note).toBe('Plex refused a token for pal, so their watched state cannot be read; their webhooks still work.');
    const m = freshMovie();
    const row = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: m.key, accountId: PAL }));
    expect(row.status).toBe('sent');
    expect(playsOf('pal-trakt', m.traktId!)).toHaveLength(1);
    expect(playsOf(owner, m.traktId!)).toHaveLength(0);
  });

  it('a household member cannot be given the owner’s Trakt account', async () => {
    await expect(connectPerson(GUEST, owner)).rejects.toThrow(/the one connected in Settings \(the owner's\)/);
    expect((await getPerson(service.deps.db, GUEST))!.trakt_account_id).toBeNull();
  }, 15_000);
});

describe('login trakt --person', () => {
  it('connects that person by name with a device code shown on stderr; an unknown person is a sentence', async () => {
    trakt.addUser({ username: 'guest-trakt' });
    const out = new PassThrough();
    const err = new PassThrough();
    let errText = '';
    err.on('data', (d) => {
      errText += String(d);
      const code = /enter the code (\S+)/.exec(errText);
      if (code) trakt.approveDevice(code[1], 'guest-trakt');
    });
    let outText = '';
    out.on('data', (d) => (outText += String(d)));
    const code = await traktLoginCommand(loadConfig(env), { out, err }, ['--person', 'GUEST']);
    expect(code).toBe(0);
    expect(outText).toBe('Connected guest to Trakt as guest-trakt\n');
    const m = freshMovie();
    expect((await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: m.key, accountId: GUEST }))).status).toBe('sent');
    expect(playsOf('guest-trakt', m.traktId!)).toHaveLength(1);

    const none = new PassThrough();
    let noneText = '';
    none.on('data', (d) => (noneText += String(d)));
    expect(await traktLoginCommand(loadConfig(env), { out: new PassThrough(), err: none }, ['--person', 'nobody-here'])).toBe(1);
    expect(noneText).toContain('No person "nobody-here" is known');
  }, 30_000);
});

describe('people with only PLEX_URL + PLEX_TOKEN (no Plex sign-in)', () => {
  it('never calls plex.tv unasked; ?refresh=1 reads it with PLEX_TOKEN and says in a sentence when plex.tv refuses', async () => {
    const other = await startService(loadConfig({ ...env, ...loopbackServiceEnv(PASSWORD), ...plexPresetEnv(plex), PLEX_TV_URL: plex.tvUrl }), { logSink: new LogCapture() });
    try {
      const get = (q = '') => fetch(`${other.url}/api/v1/people${q}`, { headers: { 'x-api-key': other.deps.secrets.apiKey() } });
      const mark = plex.tv.server.requests.length;
      const quiet = (await (await get()).json()) as { people: unknown[]; problem?: string };
      expect(quiet).toEqual({ people: [] });
      expect(plex.tv.server.requests.length).toBe(mark);
      // The emulator's PLEX_TOKEN is a server token, which plex.tv does not take (a real owner's would work).
      const asked = (await (await get('?refresh=1')).json()) as { people: unknown[]; problem?: string };
      expect(plex.tv.server.requests.length).toBeGreaterThan(mark);
      expect(asked.problem).toMatch(/^plex\.tv could not be read completely: .*refused the Plex token/);
    } finally {
      await other.close();
    }
  });
});
