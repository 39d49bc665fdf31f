/**
 * History per person: three Trakt accounts (the owner's and two household members') with
 * HISTORY_PEOPLE_PLAYS plays each (default 100,000) in one mirror table. Server time of one
 * person's page (first render with the picker, counts, chart, status) and of a page deep in
 * their scroll, for the owner (first account) and the last person (their rows after 200,000
 * others), to show the other accounts' rows cost a page nothing. `npm run bench -- history-people`.
 */
import { listPlays, upsertPlays } from '../../src/db/repos/history-plays.js';
import { updatePerson, upsertListedPerson } from '../../src/db/repos/people.js';
import { saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import type { HistoryRow } from '../../src/db/tables/history.js';
import { cursorOf } from '../../src/history/map.js';
import { FormClient, setUpAdmin } from '../helpers/browser-client.js';
import { makeTestContext } from '../helpers/context.js';
import { row, stats, time } from './history.bench.js';

const PLAYS = Number(process.env.HISTORY_PEOPLE_PLAYS ?? 100_000);
const SPAN_MS = 12 * 365 * 86_400_000;
const PEOPLE = [
  { plexAccountId: 1, name: 'Owner', kind: 'owner' as const, trakt: 'bench-owner' },
  { plexAccountId: 5001, name: 'Kim', kind: 'home' as const, trakt: 'bench-kim' },
  { plexAccountId: 6001, name: 'Pat', kind: 'friend' as const, trakt: 'bench-pat' },
];

export async function run(): Promise<void> {
  const ctx = await makeTestContext({ LOG_LEVEL: 'warn' });
  try {
    const { db, sqlite, cipher } = ctx.deps;
    const client = new FormClient(ctx.app);
    await setUpAdmin(client, ctx.deps.setupCode);
    const now = Date.now();
    const accounts: number[] = [];
    const t0 = performance.now();
    for (const [n, p] of PEOPLE.entries()) {
      const a = await saveConnectedAccount(db, cipher, { username: p.trakt, slug: p.trakt }, 'cid', { accessToken: 'a'.repeat(40), refreshToken: 'r'.repeat(40), createdAt: now, expiresAt: now + 86_400_000 });
      accounts.push(a.id);
      await upsertListedPerson(db, { plexAccountId: p.plexAccountId, plexTvId: p.plexAccountId, uuid: null, name: p.name, kind: p.kind, protected: false, plexAccess: 'ok', plexAccessNote: null });
      if (p.kind !== 'owner') await updatePerson(db, p.plexAccountId, { traktAccountId: a.id });
      for (let start = 0; start < PLAYS; start += 5000) {
        const rows: HistoryRow[] = [];
        // Each person watches at their own times (offset by n minutes), with their own history ids.
        for (let i = start; i < Math.min(PLAYS, start + 5000); i++) rows.push({ ...row(a.id, i, now - (i / PLAYS) * SPAN_MS - (i % 7) * 60_000 - n * 60_000), history_id: 5_000_000_000 + n * 10_000_000 + i });
        upsertPlays(sqlite, rows);
      }
    }
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.exec('ANALYZE');
    const total = (sqlite.prepare('SELECT COUNT(*) AS n FROM trakt_history').get() as { n: number }).n;
    console.log(`seeded ${PEOPLE.length} accounts × ${PLAYS.toLocaleString('en-US')} plays (${total.toLocaleString('en-US')} rows) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const deepAt = Math.floor(PLAYS * 0.8);
    for (const [n, p] of PEOPLE.entries()) {
      if (n === 1) continue; // the first and the last are enough to compare
      const deep = listPlays(sqlite, accounts[n]!, { limit: deepAt + 1 }).at(-1)!;
      const first = await time(client, `/history?person=${p.plexAccountId}`, 20);
      console.log(`${p.name} (account ${n + 1} of 3): first render (picker, 50 plays, counts, chart, status): ${stats(first)}`);
      const deepMs = await time(client, `/history/page?person=${p.plexAccountId}&before=${cursorOf(deep)}`, 20);
      console.log(`${p.name}: page deep in the scroll (plays ${(deepAt + 1).toLocaleString('en-US')}-${(deepAt + 50).toLocaleString('en-US')}, keyset): ${stats(deepMs)}`);
    }
    // The default page (no ?person=, the owner's) costs the same as naming them.
    console.log(`default page (no ?person=): ${stats(await time(client, '/history', 20))}`);
  } finally {
    await ctx.close();
  }
}
