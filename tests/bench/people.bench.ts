/**
 * `npm run bench -- people`: the sync over a household of three (the owner, a Plex Home user,
 * a friend) with equal libraries, each person with their own Trakt account under Trakt's real
 * limits (the emulator's 1 write a second and 1,000 GETs in 5 minutes, and the client's own
 * budgets, one per account). Each person watched the same number of movies in Plex only, so each
 * person's part has the same floor: their writes at one a second. Run 1: nothing in the way.
 * Run 2: new plays for everyone, and the Home user's Trakt account answers 429 (Retry-After 3 s)
 * to its first two writes: their part takes longer; the others' stay at their own floor, because
 * each account's budget is its own.
 * PEOPLE_BENCH_MOVIES (default 1,500) sets the library; PEOPLE_BENCH_WATCHED (default a third)
 * how many each person watched per run.
 */
import { upsertListedPerson, updatePerson } from '../../src/db/repos/people.js';
import { peopleOf, type PersonRun } from '../../src/sync/run-people.js';
import { startPlexFakes } from '../fakes/plex/index.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, seedTraktFromLibrary, startTraktFake } from '../fakes/trakt/index.js';
import { makeTestContext } from '../helpers/context.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';
import { buildLibrary } from '../sync/sync-library.js';

const MOVIES = Math.max(30, Number(process.env.PEOPLE_BENCH_MOVIES ?? 1_500) || 1_500);
const WATCHED = Math.max(1, Number(process.env.PEOPLE_BENCH_WATCHED ?? Math.floor(MOVIES / 3)) || 1);
const KID = 5001;
const PAL = 6001;

export async function run(): Promise<void> {
  const lib = buildLibrary({ movies: MOVIES, shows: 0, episodesPerShow: 0 });
  const trakt = await startTraktFake({ users: [{ username: 'owner-trakt' }, { username: 'kid-trakt' }, { username: 'pal-trakt' }] }); // real limits
  seedTraktFromLibrary(trakt, lib, 'owner-trakt');
  const plex = await startPlexFakes({ library: lib });
  plex.accounts.upsert({ id: KID, username: 'kid', kind: 'home' });
  plex.accounts.upsert({ id: PAL, username: 'pal', kind: 'friend' });
  const ctx = await makeTestContext({ TRAKT_API_URL: trakt.url, TRAKT_OAUTH_URL: trakt.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, PLEX_URL: plex.pmsUrl, PLEX_TOKEN: plex.pms.tokenFor() }, { tune: { sync: { runner: {} } } });
  try {
    const { db, cipher } = ctx.deps;
    const ownerAccount = await connectTraktAccount(ctx.deps, trakt, 'owner-trakt');
    await upsertListedPerson(db, { plexAccountId: 1, plexTvId: 1, uuid: null, name: 'owner', kind: 'owner', protected: false, plexAccess: 'ok', plexAccessNote: null });
    for (const [id, name, kind] of [[KID, 'kid', 'home'], [PAL, 'pal', 'friend']] as const) {
      await upsertListedPerson(db, { plexAccountId: id, plexTvId: id, uuid: null, name, kind, protected: false, sealedPlexToken: cipher.encrypt(plex.pms.tokenFor(id)), plexAccess: 'ok', plexAccessNote: null });
      const account = await connectTraktAccount(ctx.deps, trakt, `${name}-trakt`);
      await updatePerson(db, id, { traktAccountId: account.id });
    }
    await updatePerson(db, 1, { traktAccountId: ownerAccount.id });
    console.log(`household of three, equal libraries: ${MOVIES} movies each; Trakt emulator with real limits; one Trakt client (and budget) per account`);

    let next = 0;
    const watchMore = () => {
      const keys = lib.movies.slice(next, next + WATCHED).map((m) => m.key);
      next += WATCHED;
      for (const id of [1, KID, PAL]) for (const k of keys) plex.pms.markWatched(k, id);
    };
    const measure = async (label: string) => {
      const before = trakt.server.requests.length;
      const t0 = performance.now();
      const row = await (await ctx.deps.sync.start({ trigger: 'manual' })).done;
      const wall = performance.now() - t0;
      const reqs = trakt.server.requests.slice(before);
      if (row.error) console.log(`  (${row.error})`);
      console.log(`${label}: status ${row.status}; wall ${(wall / 1000).toFixed(1)} s; plays added ${row.added_to_trakt}`);
      for (const p of peopleOf(row)) {
        const user = p.plexAccountId === 1 ? 'owner-trakt' : `${p.name}-trakt`;
        const mine = reqs.filter((r) => trakt.usernameOf(r.headers as { authorization?: string }) === user);
        const writes = mine.filter((r) => r.method === 'POST').length;
        const limited = mine.filter((r) => r.status === 429).length;
        const ms = personMs(p);
        // The floor: Trakt's one write a second for this account's accepted writes (the first costs nothing to wait for).
        const floor = Math.max(0, writes - limited - 1) * 1000;
        console.log(
          `  ${p.name.padEnd(6)} ${p.status.padEnd(10)} ${(ms / 1000).toFixed(1).padStart(5)} s; Trakt writes ${writes} (429 answered ${limited}: their Retry-After comes on top of the floor), GETs ${mine.length - writes}; plays added ${p.counts.added_to_trakt}; write floor ${(floor / 1000).toFixed(0)} s; time / floor ${floor ? (ms / floor).toFixed(2) : '-'}`,
        );
      }
      return row;
    };
    watchMore();
    await measure('run 1 (each person watched the same new movies)');
    watchMore();
    const kidsWrites = (r: { method: string; headers: Record<string, unknown> }) => r.method === 'POST' && trakt.usernameOf(r.headers as { authorization?: string }) === 'kid-trakt';
    trakt.server.inject('/sync/history', { kind: 'status', status: 429, headers: { 'retry-after': '3' }, body: '' }, 2, kidsWrites);
    await measure("run 2 (the same again; kid's Trakt answers 429, Retry-After 3 s, to its first two writes)");
  } finally {
    await ctx.close();
    await Promise.allSettled([trakt.stop(), plex.stop()]);
  }
}

const personMs = (p: PersonRun) => (p.startedAt && p.finishedAt ? p.finishedAt - p.startedAt : 0);
