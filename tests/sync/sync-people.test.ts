/**
 * The reconciliation per person, through the real service against the emulators on loopback:
 * the owner, a Plex Home user with a PIN (kid) and a friend (pal), each with their own Trakt
 * account and their own watched state in Plex (the server keeps it per token), overlapping on
 * some items; a second friend without Trakt (guest). A run must make each Trakt account equal
 * to its person's Plex state and no other's, mark Plex from Trakt for that person's token only,
 * list the person without Trakt with the reason, keep going when one person's Trakt fails, and
 * keep to one person with `person`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCommand } from '../../src/cli/sync.js';
import { loadConfig } from '../../src/config/env.js';
import { getPerson } from '../../src/db/repos/people.js';
import { listUnmatched } from '../../src/db/repos/sync-unmatched.js';
import { runPersonLogin } from '../../src/people/trakt-login.js';
import type { LibMovie } from '../fakes/library/index.js';
import { emitWebhook } from '../fakes/plex/index.js';
import { FormClient } from '../helpers/browser-client.js';
import { GUEST, KID, PAL, startHouseholdWorld, type HouseholdWorld } from './people-world.js';

let w: HouseholdWorld;
let owner: string;

beforeAll(async () => {
  w = await startHouseholdWorld();
  owner = w.owner;
}, 90_000);

afterAll(async () => {
  await w?.stop();
});

const fresh = (n: number) => w.fresh(n);
const runSync = (body?: Record<string, unknown>) => w.runSync(body);
const api = (path: string, init?: RequestInit) => w.api(path, init);
const playCount = (username: string, m: LibMovie) => w.playCount(username, m);
const watchedInPlex = (m: LibMovie, accountId: number) => w.watchedInPlex(m, accountId);
/** Trakt ids of the movies an account has plays of. */
const traktMovies = (username: string) => new Set(w.trakt.plays(username).filter((p) => p.type === 'movie').map((p) => p.trakt));
const person = (run: any, id: number) => (run.people as any[]).find((p) => p.plexAccountId === id);

describe('sync per person', () => {
  it('makes each Trakt account equal to its person’s Plex state and no other’s; marks Plex per token; lists the person without Trakt', async () => {
    const [a, b, c, d, e, f, g, r, q] = fresh(9) as [LibMovie, LibMovie, LibMovie, LibMovie, LibMovie, LibMovie, LibMovie, LibMovie, LibMovie];
    // Ratings, per account: kid rates r in Plex (to kid's Trakt only); pal rated q on Trakt (to pal's Plex rating only).
    w.plex.pms.setRating(r.key, 8, KID);
    w.trakt.setRating('pal-trakt', { type: 'movie', trakt: q.traktId! }, 6);
    // Plex, per account: kid watched a, b, c; pal watched a (overlap) and f; the owner e.
    for (const m of [a, b, c]) w.plex.pms.markWatched(m.key, KID);
    for (const m of [a, f]) w.plex.pms.markWatched(m.key, PAL);
    w.plex.pms.markWatched(e.key, 1);
    // Trakt, per account: kid has d, pal has g (to be marked in Plex for them only).
    w.trakt.addPlay('kid-trakt', { type: 'movie', trakt: d.traktId! }, '2026-01-02T03:04:05.000Z');
    w.trakt.addPlay('pal-trakt', { type: 'movie', trakt: g.traktId! }, '2026-01-03T03:04:05.000Z');
    const ownerBefore = traktMovies(owner);

    const run = await runSync();
    const rows = w.service.deps.sqlite.prepare("SELECT account_id, action, title, plex_key, status FROM ledger WHERE source = 'sync' AND source_id = ?").all(run.id);
    expect(run.status, JSON.stringify([run.error, rows])).toBe('succeeded');
    expect(run.people.map((p: any) => [p.plexAccountId, p.status])).toEqual([[1, 'succeeded'], [KID, 'succeeded'], [GUEST, 'skipped'], [PAL, 'succeeded']]);
    expect(person(run, GUEST).reason).toBe('guest has no Trakt account: connect one for them in Settings → People.');
    expect(person(run, KID).counts).toMatchObject({ addedToTrakt: 3, markedInPlex: 1, ratingsToTrakt: 1, ratingsToPlex: 0, errors: 0 });
    expect(person(run, PAL).counts, JSON.stringify(rows)).toMatchObject({ addedToTrakt: 2, markedInPlex: 1, ratingsToTrakt: 0, ratingsToPlex: 1, errors: 0 });
    const ratingOf = (u: string, m: LibMovie) => w.trakt.ratings(u).find((x) => x.type === 'movie' && x.trakt === m.traktId)?.rating;
    expect([ratingOf('kid-trakt', r), ratingOf(owner, r), ratingOf('pal-trakt', r)]).toEqual([8, undefined, undefined]);
    expect([w.plex.pms.stateOf(q.key, PAL).userRating, w.plex.pms.stateOf(q.key, 1).userRating, w.plex.pms.stateOf(q.key, KID).userRating]).toEqual([6, undefined, undefined]);
    // The totals add up the people's.
    expect(run.counts.addedToTrakt).toBe(run.people.reduce((n: number, p: any) => n + p.counts.addedToTrakt, 0));
    expect(w.logs.text()).toContain('guest is left out of this run: guest has no Trakt account');

    // Each Trakt account: exactly its person's Plex state (plus what it had), nobody else's.
    expect(traktMovies('kid-trakt')).toEqual(new Set([a, b, c, d].map((m) => m.traktId)));
    expect(traktMovies('pal-trakt')).toEqual(new Set([a, f, g].map((m) => m.traktId)));
    const ownerAfter = traktMovies(owner);
    expect(ownerAfter.has(e.traktId!)).toBe(true);
    for (const m of [a, b, c, d, f, g]) expect(ownerAfter.has(m.traktId!), m.title).toBe(false);
    expect([...ownerAfter].filter((id) => !ownerBefore.has(id))).toEqual([e.traktId]);
    // Plex: d marked for kid only, g for pal only; nobody's marks leaked to the owner.
    expect([watchedInPlex(d, KID), watchedInPlex(d, PAL), watchedInPlex(d, 1)]).toEqual([true, false, false]);
    expect([watchedInPlex(g, PAL), watchedInPlex(g, KID), watchedInPlex(g, 1)]).toEqual([true, false, false]);
    expect(watchedInPlex(e, KID) || watchedInPlex(e, PAL)).toBe(false);
    const marks = w.plex.pms.calls.filter((x) => x.action === 'scrobble');
    expect(marks.filter((x) => x.accountId === KID).length).toBe(1);
    expect(marks.filter((x) => x.accountId === PAL).length).toBe(1);

    // The run's page: a People card with each person's outcome, and why guest was left out.
    const http = new FormClient({ request: (p, init) => fetch(p, init) }, w.service.url);
    await http.get('/login');
    await http.post('/login', { password: 'people-sync-password' });
    const html = await (await http.get(`/runs/${run.id}`)).text();
    expect(html).toMatch(new RegExp(`data-person="${KID}" data-person-status="succeeded"`));
    expect(html).toMatch(new RegExp(`data-person="${GUEST}" data-person-status="skipped"[^]*guest has no Trakt account`));

    // The Unmatched page lists a library item once, not once per person.
    const unmatched = await listUnmatched(w.service.deps.db, { limit: 1000, offset: 0 });
    expect(unmatched.total).toBeGreaterThan(0);
    expect(unmatched.rows.length).toBe(unmatched.total);
    expect(new Set(unmatched.rows.map((r) => r.rating_key)).size).toBe(unmatched.total);
    expect(unmatched.rows.some((r) => r.server_id.includes('~'))).toBe(false);

    // Nothing changed: the next run writes nothing for anybody (no play twice).
    const again = await runSync();
    expect(again.status).toBe('succeeded');
    expect(again.counts.addedToTrakt + again.counts.markedInPlex).toBe(0);
    for (const m of [a, b, c]) expect(playCount('kid-trakt', m)).toBe(1);
    expect(playCount('pal-trakt', a)).toBe(1);
  }, 120_000);

  it('one person’s Trakt answering 429 and then 502s: the others are written, the run ends partial, the next run finishes without duplicates', async () => {
    const [k, p, o] = fresh(3) as [LibMovie, LibMovie, LibMovie];
    w.plex.pms.markWatched(k.key, KID);
    w.plex.pms.markWatched(p.key, PAL);
    w.plex.pms.markWatched(o.key, 1);
    const kidsRequest = (r: { headers: Record<string, unknown> }) => w.trakt.usernameOf(r.headers as { authorization?: string }) === 'kid-trakt';
    w.trakt.server.inject('/sync/', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 1, kidsRequest);
    w.trakt.server.inject('/sync/history', { kind: 'status', status: 502, body: '<html>Bad gateway</html>' }, 10_000, kidsRequest);
    const run = await runSync();
    w.trakt.server.clearFaults();
    expect(run.status).toBe('partial');
    expect(person(run, 1).status).toBe('succeeded');
    expect(person(run, PAL).status).toBe('succeeded');
    expect(['failed', 'partial']).toContain(person(run, KID).status);
    expect(person(run, KID).reason).toBeTruthy();
    expect(run.error).toContain('kid: ');
    expect(playCount(owner, o)).toBe(1);
    expect(playCount('pal-trakt', p)).toBe(1);
    // Nobody got kid's play while kid's Trakt was failing.
    expect(playCount(owner, k) + playCount('pal-trakt', k)).toBe(0);

    const next = await runSync();
    expect(next.status).toBe('succeeded');
    expect(playCount('kid-trakt', k)).toBe(1);
    expect(playCount(owner, k) + playCount('pal-trakt', k)).toBe(0);
    expect(playCount(owner, o) + playCount('pal-trakt', p)).toBe(2);
  }, 120_000);

  it('`person` limits a run to one person (by name or id); an unknown person is a 400 with a sentence', async () => {
    w.plex.tv.friendTokens = true; // Plex gives friends' tokens again (an earlier test turned that off)
    await w.service.deps.people.refresh({ force: true });
    const [k, p] = fresh(2) as [LibMovie, LibMovie];
    w.plex.pms.markWatched(k.key, KID);
    w.plex.pms.markWatched(p.key, PAL);
    const run = await runSync({ person: 'PAL' });
    expect(run.people.map((x: any) => x.plexAccountId)).toEqual([PAL]);
    expect(playCount('pal-trakt', p)).toBe(1);
    expect(playCount('kid-trakt', k)).toBe(0);
    const byId = await runSync({ person: KID });
    expect(byId.people.map((x: any) => x.plexAccountId)).toEqual([KID]);
    expect(playCount('kid-trakt', k)).toBe(1);

    const unknown = await api('/sync', { method: 'POST', body: JSON.stringify({ person: 'nobody' }) });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).message).toBe('There is no person "nobody" in the household: name them by their Plex account name or id as Settings → People (or GET /api/v1/people) lists them.');
    // The CLI hands the run to the server alive on the database; an unknown person is exit 1 with the sentence.
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await syncCommand(loadConfig(w.env), ['--person', 'nobody'], io, { pollMs: 50 })).toBe(1);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ status: 'error', error: expect.stringContaining('There is no person "nobody" in the household') });
    const [c] = fresh(1) as [LibMovie];
    w.plex.pms.markWatched(c.key, KID);
    out.length = 0;
    expect(await syncCommand(loadConfig(w.env), ['--person=kid'], io, { pollMs: 50 })).toBe(0);
    expect(JSON.parse(out.at(-1)!).people.map((x: any) => x.plexAccountId)).toEqual([KID]);
    expect(playCount('kid-trakt', c)).toBe(1);

    const guestOnly = await runSync({ person: 'guest' });
    expect(guestOnly.status).toBe('failed');
    expect(guestOnly.error).toBe('guest has no Trakt account: connect one for them in Settings → People.');
  }, 120_000);

  it('undoing a run over several people takes each person’s writes back through their own accounts only', async () => {
    const [x, y, z, keep] = fresh(4) as [LibMovie, LibMovie, LibMovie, LibMovie];
    w.plex.pms.markWatched(x.key, KID);
    w.trakt.addPlay('pal-trakt', { type: 'movie', trakt: y.traktId! }, '2026-02-03T04:05:06.000Z');
    w.plex.pms.markWatched(z.key, 1);
    // A play on kid's Trakt account the run did not make: the undo must leave it.
    w.trakt.addPlay('kid-trakt', { type: 'movie', trakt: keep.traktId! }, '2026-02-04T04:05:06.000Z');
    w.plex.pms.markWatched(keep.key, KID);
    const run = await runSync();
    expect([playCount('kid-trakt', x), watchedInPlex(y, PAL), playCount(owner, z)]).toEqual([1, true, 1]);

    const res = await api(`/runs/${run.id}/undo`, { method: 'POST' });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: number };
    let undo: any;
    for (let i = 0; i < 300 && (!undo || undo.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      undo = await (await api(`/runs/${runId}`)).json();
    }
    expect(undo.status, undo.error).toBe('succeeded');
    expect([playCount('kid-trakt', x), playCount(owner, z)]).toEqual([0, 0]);
    // Pal's mark is taken back with pal's token: their state, nobody else's.
    expect(watchedInPlex(y, PAL)).toBe(false);
    expect(w.plex.pms.calls.filter((c) => c.action === 'unscrobble').map((c) => c.accountId)).toEqual([PAL]);
    expect(playCount('pal-trakt', y)).toBe(1);
    expect(playCount('kid-trakt', keep)).toBe(1);
  }, 120_000);

  it('an unprotected Home user’s token comes from plex.tv’s switch at the first run, and is kept sealed', async () => {
    const TEEN = 5002;
    w.plex.accounts.upsert({ id: TEEN, username: 'teen', kind: 'home' });
    w.trakt.addUser({ username: 'teen-trakt' });
    await w.service.deps.people.refresh({ force: true });
    await runPersonLogin(w.service.deps, TEEN, { onCode: (c) => expect(w.trakt.approveDevice(c.userCode, 'teen-trakt')).toBe(true) });
    expect((await getPerson(w.service.deps.db, TEEN))!.plex_token).toBeNull();
    const [t] = fresh(1) as [LibMovie];
    w.plex.pms.markWatched(t.key, TEEN);
    const run = await runSync({ person: 'teen' });
    expect(person(run, TEEN)).toMatchObject({ status: 'succeeded', counts: { addedToTrakt: 1 } });
    expect(playCount('teen-trakt', t)).toBe(1);
    expect(playCount(owner, t) + playCount('kid-trakt', t) + playCount('pal-trakt', t)).toBe(0);
    const sealed = (await getPerson(w.service.deps.db, TEEN))!.plex_token;
    expect(sealed).toBeTruthy();
    expect(w.service.deps.cipher.decrypt(sealed!)).toBe(w.plex.pms.tokenFor(TEEN));
  }, 120_000);

  it('Plex refusing a friend’s token: their sync is skipped with the sentence, their webhooks still work', async () => {
    w.plex.tv.friendTokens = false;
    await w.service.deps.people.refresh({ force: true });
    const [m] = fresh(1) as [LibMovie];
    w.plex.pms.markWatched(m.key, PAL);
    const run = await runSync();
    expect(person(run, PAL)).toMatchObject({ status: 'skipped', reason: 'Plex refused a token for pal, so their watched state cannot be read (their webhooks still work).' });
    expect(playCount('pal-trakt', m)).toBe(0);
    expect(run.status).toBe('succeeded');

    const [hook] = fresh(1) as [LibMovie];
    const [sent] = await emitWebhook(w.plex.pms, { event: 'media.scrobble', ref: hook.key, accountId: PAL, viewOffsetMs: Math.round(hook.durationMs * 0.95) }, { urls: [`${w.service.url}/webhooks/plex/${w.service.deps.secrets.webhookSecret()}`] });
    await expect.poll(() => playCount('pal-trakt', hook), { timeout: 15_000, interval: 100 }).toBe(1);
    expect(playCount(owner, hook) + playCount('kid-trakt', hook)).toBe(0);

    // Undoing pal's webhook event takes the play off pal's own Trakt account (not the owner's).
    const eventId = (JSON.parse(sent!.body) as { id: number }).id;
    const undo = await (await w.service.deps.sync.undo({ kind: 'event', id: eventId }, 'manual')).done;
    expect(undo.status, undo.error ?? '').toBe('succeeded');
    expect(playCount('pal-trakt', hook)).toBe(0);
  }, 120_000);
  it('a person’s token refused by the Plex server (401): their part fails with a sentence about them; the others go on', async () => {
    const [o] = fresh(1) as [LibMovie];
    w.plex.pms.markWatched(o.key, 1);
    expect(w.plex.accounts.revoke(w.plex.pms.tokenFor(KID))).toBe(true);
    const run = await runSync();
    expect(run.status).toBe('partial');
    expect(person(run, KID)).toMatchObject({
      status: 'failed',
      reason: "The Plex server refused kid's token (401): their share may have ended or the token was revoked. Read the household again in Settings → People (a Home user's PIN may be needed); their webhooks still work.",
    });
    expect(person(run, 1).status).toBe('succeeded');
    expect(playCount(owner, o)).toBe(1);
  }, 120_000);

  it('a token the server refused is renewed once from plex.tv (a Home user by the switch with their PIN, a friend by the shared servers): their parts go on', async () => {
    w.plex.tv.friendTokens = true; // Plex gives friends' tokens again (an earlier test turned that off)
    await w.service.deps.people.refresh({ force: true });
    const [k, p] = fresh(2) as [LibMovie, LibMovie];
    w.plex.pms.markWatched(k.key, KID);
    w.plex.pms.markWatched(p.key, PAL);
    // Plex ends both tokens and has new ones (as after a sign-out everywhere): the stored ones answer 401.
    const kidToken = w.plex.accounts.rotateServerToken(KID);
    const palToken = w.plex.accounts.rotateServerToken(PAL);
    const run = await runSync();
    expect(run.status, JSON.stringify(run.people)).toBe('succeeded');
    expect([person(run, KID).status, person(run, PAL).status]).toEqual(['succeeded', 'succeeded']);
    expect([playCount('kid-trakt', k), playCount('pal-trakt', p)]).toEqual([1, 1]);
    expect(playCount(owner, k) + playCount(owner, p) + playCount('pal-trakt', k) + playCount('kid-trakt', p)).toBe(0);
    // The new tokens are kept, sealed: the next run uses them without asking plex.tv.
    const sealed = [(await getPerson(w.service.deps.db, KID))!.plex_token!, (await getPerson(w.service.deps.db, PAL))!.plex_token!];
    expect(sealed.map((t) => w.service.deps.cipher.decrypt(t))).toEqual([kidToken, palToken]);
    expect(sealed.join(' ')).not.toContain(kidToken);
  }, 120_000);
});
