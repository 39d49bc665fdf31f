/**
 * Watch history per person, through the real service on loopback and the Trakt emulator with
 * three accounts of different histories: the owner's (connected in Settings), a Plex Home
 * user's and a friend's (their own Trakt accounts). Each mirror fills in the background (the
 * friend's as soon as it is connected, after start), each page, page of the scroll and export
 * holds that person's plays only (the same movie watched by two people at different times
 * included), one account's failure leaves the others' alone, a refresh notice for one account
 * reads that account only and is published on its own topic, and a disconnected account's
 * mirror stops (its rows kept, its person gone from the picker).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { countPlays } from '../../src/db/repos/history-plays.js';
import { getHistoryState } from '../../src/db/repos/history-state.js';
import { updatePerson, upsertListedPerson } from '../../src/db/repos/people.js';
import { markDisconnected } from '../../src/db/repos/trakt-accounts.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { FormClient } from '../helpers/browser-client.js';
import { LogCapture } from '../helpers/context.js';
import { loopbackServiceEnv, traktEnv } from '../helpers/emulator-env.js';
import { connectTraktAccount, preconnectTrakt } from '../helpers/trakt-connected.js';
import { seedCatalogue } from './history-world.js';

const PASSWORD = 'history-people-password';
const OWNER = 1;
const KID = 5001;
const PAL = 6001;
const GUEST = 7001; // in the household, no Trakt account
const HOUR = 3600_000;
const SHARED_MOVIE = 107; // watched by the owner and by the kid, at different times

let trakt: TraktFake;
let service: ServiceHandle;
let client: FormClient;
const ids = { owner: 0, kid: 0, pal: 0 };
const base = Math.floor(Date.now() / 1000) * 1000 - 3 * HOUR;

/** `n` plays of `user`, one every `stepH` hours going back from `from`; movies from `firstMovie`, every third an episode. */
function seed(user: string, n: number, firstMovie: number, stepH: number, from = base): void {
  for (let i = 0; i < n; i++) {
    const at = new Date(from - i * stepH * HOUR).toISOString();
    if (i % 3 === 2) trakt.addPlay(user, { type: 'episode', trakt: 6001 + (i % 30) }, at, 'scrobble');
    else trakt.addPlay(user, { type: 'movie', trakt: firstMovie + (i % 10) }, at, 'watch');
  }
}

const shownIds = (html: string) => [...html.matchAll(/<li class="play[^"]*" id="play-(\d+)"/g)].map((m) => Number(m[1]));
const traktIds = (user: string) => trakt.plays(user).map((p) => p.id);

beforeAll(async () => {
  trakt = await startTraktFake({ rateLimits: false, users: [{ username: 'owner-trakt' }, { username: 'kid-trakt' }, { username: 'pal-trakt' }] });
  seedCatalogue(trakt);
  seed('owner-trakt', 70, 101, 5);
  seed('kid-trakt', 120, 111, 3, base - 30 * 60_000);
  seed('pal-trakt', 20, 121, 7);
  // The same movie in two histories, at different times.
  trakt.addPlay('owner-trakt', { type: 'movie', trakt: SHARED_MOVIE }, new Date(base + 10 * 60_000).toISOString(), 'watch');
  trakt.addPlay('kid-trakt', { type: 'movie', trakt: SHARED_MOVIE }, new Date(base - 1000 * HOUR).toISOString(), 'watch');

  const env = { ...loopbackServiceEnv(PASSWORD), LOG_LEVEL: 'warn', ...traktEnv(trakt) };
  ids.owner = (await preconnectTrakt(env, trakt, 'owner-trakt')).id;
  service = await startService(loadConfig(env), {
    logSink: new LogCapture(),
    tune: { history: { startDelayMs: 5, debounceMs: 20, runPollMs: 150, retryAfterFailureMs: 60_000 }, trakt: { retry: { maxAttempts: 1 } } },
  });
  const { db } = service.deps;
  const kid = await connectTraktAccount(service.deps, trakt, 'kid-trakt');
  ids.kid = kid.id;
  const now = Date.now();
  await upsertListedPerson(db, { plexAccountId: OWNER, plexTvId: 900, uuid: null, name: 'Olivia', kind: 'owner', protected: false, plexAccess: 'ok', plexAccessNote: null }, now);
  await upsertListedPerson(db, { plexAccountId: KID, plexTvId: KID, uuid: 'kid-uuid', name: 'Kim', kind: 'home', protected: false, plexAccess: 'ok', plexAccessNote: null }, now);
  await upsertListedPerson(db, { plexAccountId: PAL, plexTvId: PAL, uuid: null, name: 'Pat', kind: 'friend', protected: false, plexAccess: 'ok', plexAccessNote: null }, now);
  await upsertListedPerson(db, { plexAccountId: GUEST, plexTvId: GUEST, uuid: null, name: 'Gus', kind: 'friend', protected: false, plexAccess: 'ok', plexAccessNote: null }, now);
  await updatePerson(db, KID, { traktAccountId: kid.id });
  client = new FormClient({ request: (p, init) => fetch(p, init) }, service.url);
  await client.get('/login');
  await client.post('/login', { password: PASSWORD });
}, 60_000);

afterAll(async () => {
  await service?.close();
  await trakt?.stop();
});

describe('history per person', () => {
  it('fills every connected account in the background, a friend’s as soon as it is connected after start', async () => {
    const { sqlite, db } = service.deps;
    await expect.poll(() => countPlays(sqlite, ids.owner), { timeout: 10_000 }).toBe(71);
    await expect.poll(() => countPlays(sqlite, ids.kid), { timeout: 10_000 }).toBe(121);
    // The friend connects now: nobody asks for a refresh, the refresher notices the new account.
    const pal = await connectTraktAccount(service.deps, trakt, 'pal-trakt');
    ids.pal = pal.id;
    await updatePerson(db, PAL, { traktAccountId: pal.id });
    await expect.poll(() => countPlays(sqlite, ids.pal), { timeout: 10_000 }).toBe(20);
    await expect.poll(async () => (await getHistoryState(db, ids.pal))?.phase).toBe('ready');
  });

  it('each person’s page, next pages and export hold their plays only; the default is the owner', async () => {
    for (const [person, user] of [[OWNER, 'owner-trakt'], [KID, 'kid-trakt'], [PAL, 'pal-trakt']] as const) {
      const res = await client.get(`/history?person=${person}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const expected = traktIds(user);
      expect(shownIds(html)).toEqual(expected.slice(0, 50));
      expect(html).toContain(`${expected.length} plays`);
      // The picker lists the three people with Trakt (not Gus), this one chosen.
      expect(html).toMatch(new RegExp(`<option value="${person}" selected`));
      expect([...html.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([OWNER, KID, PAL]);
      // Every link and request the page makes keeps the person.
      expect(html).toContain(`href="/history/export.csv?person=${person}"`);
      expect(html).toMatch(new RegExp(`<form id="history-filters"[^]*<input type="hidden" name="person" value="${person}"`));
      expect(html).toMatch(new RegExp(`<form method="post" action="/history/refresh"[^]*name="person" value="${person}"`));
      expect(html).toContain(`hx-sse:connect="/live?topics=history:${person === OWNER ? ids.owner : person === KID ? ids.kid : ids.pal}"`);
      // The scroll: each next page is this person's.
      let shown = shownIds(html);
      let next = /hx-get="(\/history\/page\?[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
      while (next) {
        expect(next).toContain(`person=${person}`);
        const page = await (await client.get(next, { 'hx-request': 'true' })).text();
        shown = shown.concat(shownIds(page));
        next = /hx-get="(\/history\/page\?[^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
      }
      expect(shown).toEqual(expected);
      const exported = (await (await client.get(`/history/export.json?person=${person}`)).json()) as Array<{ history_id: number }>;
      expect(exported.map((r) => r.history_id)).toEqual(expected);
      // Filtering movies keeps the person.
      const movies = await (await client.get(`/history?person=${person}&type=movie`, { 'hx-request': 'true', 'hx-target': 'div#history-results' })).text();
      const movieIds = trakt.plays(user).filter((p) => p.type === 'movie').map((p) => p.id);
      expect(shownIds(movies)).toEqual(movieIds.slice(0, 50));
    }
    // No person named: the owner's (the signed-in admin's own), with plain links.
    const plain = await (await client.get('/history')).text();
    expect(shownIds(plain)).toEqual(traktIds('owner-trakt').slice(0, 50));
    expect(plain).toMatch(/<option value="1" selected/);
    expect(plain).toContain('href="/history/export.csv"');
  });

  it('the same movie watched by two people shows on each page at that person’s time only', async () => {
    const at = (user: string) => trakt.plays(user).filter((p) => p.type === 'movie' && p.trakt === SHARED_MOVIE && Date.parse(p.watched_at) > base - 1001 * HOUR);
    const ownerPlay = at('owner-trakt').find((p) => Date.parse(p.watched_at) === base + 10 * 60_000)!;
    const kidPlay = at('kid-trakt').find((p) => Date.parse(p.watched_at) === base - 1000 * HOUR)!;
    const ownerPage = await (await client.get(`/history?person=${OWNER}&q=Movie%207`)).text();
    const kidPage = await (await client.get(`/history?person=${KID}&q=Movie%207`)).text();
    expect(ownerPage).toContain(`id="play-${ownerPlay.id}" data-at="${new Date(ownerPlay.watched_at).toISOString()}"`);
    expect(ownerPage).not.toContain(`id="play-${kidPlay.id}"`);
    expect(kidPage).toContain(`id="play-${kidPlay.id}" data-at="${new Date(kidPlay.watched_at).toISOString()}"`);
    expect(kidPage).not.toContain(`id="play-${ownerPlay.id}"`);
    expect(ownerPage).not.toContain(new Date(kidPlay.watched_at).toISOString());
  });

  it('an unknown person, or one without Trakt, is a 404 with a sentence, never a 500', async () => {
    const unknown = await client.get('/history?person=424242');
    expect(unknown.status).toBe(404);
    const text = await unknown.text();
    expect(text).toContain('Nobody in the household has the Plex account &quot;424242&quot;: pick a person from the list');
    expect(text).toContain('<option value="5001"');
    const guest = await client.get(`/history?person=${GUEST}`);
    expect(guest.status).toBe(404);
    expect(await guest.text()).toContain('Gus has no Trakt account, so there is no history to show: connect one for them in Settings → People');
    expect((await client.get('/history?person=%3Cscript%3E')).status).toBe(404);
    expect((await client.get('/history/page?person=424242&before=1.1', { 'hx-request': 'true' })).status).toBe(404);
    const exp = await client.get('/history/export.csv?person=424242');
    expect(exp.status).toBe(404);
    expect(await exp.text()).toMatch(/^Nobody in the household/);
    expect((await client.post('/history/refresh', { person: '424242' })).status).toBe(404);
  });

  it('a play on one account refreshes that account only, through its own client, and is published on its topic only', async () => {
    const { bus, db } = service.deps;
    const seen = new Map<string, string[]>();
    const topics = [`history:${ids.owner}`, `history:${ids.kid}`, `history:${ids.pal}`];
    const off = bus.subscribe(topics, (m) => seen.set(m.topic, [...(seen.get(m.topic) ?? []), m.html]), () => undefined);
    const checkedBefore = (await getHistoryState(db, ids.owner))!.last_checked_at;
    const mark = trakt.server.requests.length;
    const id = trakt.addPlay('kid-trakt', { type: 'movie', trakt: 115 }, new Date().toISOString(), 'scrobble');
    bus.emit('trakt.play', { traktAccountId: ids.kid });
    await expect.poll(() => countPlays(service.deps.sqlite, ids.kid), { timeout: 10_000 }).toBe(122);
    await expect.poll(() => (seen.get(`history:${ids.kid}`) ?? []).some((h) => h.includes(`id="play-${id}"`)), { timeout: 5000 }).toBe(true);
    off();
    expect(seen.get(`history:${ids.owner}`) ?? []).toEqual([]);
    expect(seen.get(`history:${ids.pal}`) ?? []).toEqual([]);
    expect((await getHistoryState(db, ids.owner))!.last_checked_at).toBe(checkedBefore);
    // One account's token for all of it: the kid's client alone was used.
    const bearers = trakt.server.requests.slice(mark).map((r) => String(r.headers.authorization ?? ''));
    expect(bearers.length).toBeGreaterThan(0);
    expect(new Set(bearers).size).toBe(1);
    expect(countPlays(service.deps.sqlite, ids.owner)).toBe(71);
  });

  it('Full refresh from a person’s page walks that person’s account only', async () => {
    const { db } = service.deps;
    const before = await Promise.all([ids.owner, ids.kid, ids.pal].map(async (id) => (await getHistoryState(db, id))?.last_full_at ?? null));
    await client.get(`/history?person=${PAL}`);
    const res = await client.post('/history/refresh', { person: String(PAL) }, { headers: { 'hx-request': 'true' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`name="person" value="${PAL}"`);
    await expect.poll(async () => (await getHistoryState(db, ids.pal))?.last_full_at ?? null, { timeout: 10_000 }).not.toBe(before[2]);
    expect((await getHistoryState(db, ids.owner))?.last_full_at ?? null).toBe(before[0]);
    expect((await getHistoryState(db, ids.kid))?.last_full_at ?? null).toBe(before[1]);
    // Without a script the form redirects back to the same person's page.
    const plain = await client.post('/history/refresh', { person: String(KID) });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/history?person=${KID}`);
  });

  it('one account failing (Trakt locked it) leaves the others filling; it catches up once it works again', async () => {
    const { db, sqlite } = service.deps;
    trakt.setLocked('kid-trakt', { deactivated: false });
    trakt.addPlay('owner-trakt', { type: 'movie', trakt: 102 }, new Date().toISOString(), 'watch');
    trakt.addPlay('kid-trakt', { type: 'movie', trakt: 112 }, new Date().toISOString(), 'watch');
    trakt.addPlay('pal-trakt', { type: 'movie', trakt: 122 }, new Date().toISOString(), 'watch');
    service.deps.history.request(undefined, 'auto', 0); // the 15-minute check, for every account
    await expect.poll(() => countPlays(sqlite, ids.owner), { timeout: 10_000 }).toBe(72);
    await expect.poll(() => countPlays(sqlite, ids.pal), { timeout: 10_000 }).toBe(21);
    await expect.poll(async () => (await getHistoryState(db, ids.kid))?.last_error ?? null, { timeout: 10_000 }).not.toBeNull();
    expect(countPlays(sqlite, ids.kid)).toBe(122); // kept as it was
    const page = await (await client.get(`/history?person=${KID}`)).text();
    expect(page).toContain('The last refresh failed');
    trakt.setLocked('kid-trakt', null);
    await service.deps.history.refreshNow(ids.kid, 'auto');
    expect(countPlays(sqlite, ids.kid)).toBe(123);
  });

  it('Unmatched names whose Trakt account said not_found, in a household', async () => {
    const { sqlite } = service.deps;
    const now = Date.now();
    const ins = sqlite.prepare(`INSERT INTO plex_items (server_id, rating_key, section_id, type, title, year, item_key, ids_hash, mirrored_at) VALUES ('srv', ?, '1', 'movie', ?, 2001, ?, 'h', ?)`);
    ins.run('501', 'Nobody Knows This', 'movie:imdb:tt0000501', now);
    ins.run('502', 'Only The Kid Asked', 'movie:imdb:tt0000502', now);
    const nf = sqlite.prepare(`INSERT INTO trakt_not_found (account_id, item_key, ids_hash, title, at) VALUES (?, ?, 'h', null, ?)`);
    nf.run(ids.owner, 'movie:imdb:tt0000501', now);
    nf.run(ids.kid, 'movie:imdb:tt0000501', now);
    nf.run(ids.kid, 'movie:imdb:tt0000502', now);
    const page = await (await client.get('/unmatched')).text();
    const row = (title: string) => new RegExp(`${title}[^]*?</tr>`).exec(page)?.[0] ?? '';
    expect(row('Nobody Knows This')).toContain('Trakt said so for Olivia and Kim.');
    expect(row('Only The Kid Asked')).toContain('Trakt said so for Kim.');
  });

  it('a 429 to one account pauses that account only: the others refresh at once', async () => {
    const { db, sqlite } = service.deps;
    const users = [['owner-trakt', ids.owner], ['kid-trakt', ids.kid], ['pal-trakt', ids.pal]] as const;
    const before = users.map(([, id]) => countPlays(sqlite, id));
    for (const [user] of users) trakt.addPlay(user, { type: 'movie', trakt: 130 }, new Date().toISOString(), 'watch');
    // The first account to ask gets Trakt's 429 with a 3-second wait (the service gives up on it: one try).
    trakt.server.inject('/sync/last_activities', { kind: 'status', status: 429, headers: { 'retry-after': '3' }, body: '' }, 1);
    const t0 = Date.now();
    service.deps.history.request(undefined, 'auto', 0);
    await expect.poll(() => users.filter(([, id], i) => countPlays(sqlite, id) === before[i]! + 1).length, { timeout: 2500, interval: 20 }).toBe(2);
    expect(Date.now() - t0).toBeLessThan(2500); // not held up by the paused account's 3 s
    const hit = users.findIndex(([, id], i) => countPlays(sqlite, id) === before[i]);
    expect(hit).toBeGreaterThanOrEqual(0);
    await expect.poll(async () => (await getHistoryState(db, users[hit]![1]))?.last_error ?? '').toMatch(/rate limit/);
    // Once its pause is over it catches up.
    await service.deps.history.refreshNow(users[hit]![1], 'auto');
    expect(countPlays(sqlite, users[hit]![1])).toBe(before[hit]! + 1);
  });

  it('a disconnected account is not read any more; its rows are kept and its person leaves the picker', async () => {
    const { db, sqlite } = service.deps;
    await markDisconnected(db, ids.pal);
    await updatePerson(db, PAL, { traktAccountId: null });
    const mark = trakt.server.requests.length;
    trakt.addPlay('pal-trakt', { type: 'movie', trakt: 123 }, new Date().toISOString(), 'watch');
    service.deps.bus.emit('trakt.play', { traktAccountId: ids.pal });
    service.deps.history.request(ids.pal, 'full', 0);
    await expect(service.deps.history.refreshNow(ids.pal)).rejects.toThrow(/not connected/);
    await new Promise((r) => setTimeout(r, 300)); // two refresher ticks (150 ms) for anything that would still run
    expect(trakt.server.requests.length).toBe(mark);
    expect(countPlays(sqlite, ids.pal)).toBe(22);
    expect((await getHistoryState(db, ids.pal))!.last_error).toBeNull(); // not tried, so not failed
    const page = await client.get(`/history?person=${PAL}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Pat has no Trakt account');
    expect([...(await (await client.get('/history')).text()).matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([OWNER, KID]);
  });
});
