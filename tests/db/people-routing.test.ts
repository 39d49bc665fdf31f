/**
 * The one routing answer (src/people/routing.ts) over a real database: whose Trakt account a
 * Plex account's plays go to, and the sentences when none.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { getPerson, updatePerson } from '../../src/db/repos/people.js';
import { defaultTraktAccount, markDisconnected, saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import { traktAccountFor, type RoutingDeps } from '../../src/people/routing.js';
import { createCipher } from '../../src/security/crypto.js';
import { tempDir } from '../helpers/context.js';

const cipher = createCipher(Buffer.alloc(32, 9));
const tokens = { accessToken: 'a-token', refreshToken: 'r-token', createdAt: 1, expiresAt: 2 };
let o: OpenedDb;
let deps: RoutingDeps;

beforeEach(async () => {
  o = openDatabase(tempDir());
  await migrateToLatest(o.db);
  deps = { db: o.db, defaultTraktAccount: async () => (await defaultTraktAccount(o.db))?.id ?? null, ownerUsername: 'owner-pat', now: () => 1000 };
});
afterEach(async () => {
  await o.close();
});

const connect = (slug: string) => saveConnectedAccount(o.db, cipher, { username: slug, slug }, 'client', tokens);

describe('traktAccountFor', () => {
  it('the owner (Account.id 1, or their plex.tv username as title) is one person and keeps the connected account', async () => {
    const mine = await connect('owner-trakt');
    expect(await traktAccountFor(deps, { accountId: 1, accountTitle: 'owner-pat' })).toEqual({ traktAccountId: mine.id, plexAccountId: 1 });
    expect(await traktAccountFor(deps, { accountId: 24601337, accountTitle: 'Owner-Pat' })).toEqual({ traktAccountId: mine.id, plexAccountId: 1 });
    expect(await getPerson(o.db, 24601337)).toBeUndefined();
  });

  it('someone else goes to their own account, never to the owner’s; without one they are ignored with the reason', async () => {
    const mine = await connect('owner-trakt');
    expect(await traktAccountFor(deps, { accountId: 5001, accountTitle: 'kid' })).toEqual({ ignored: 'kid has no Trakt account: connect one for them in Settings → People.' });
    const kids = await connect('kid-trakt');
    await updatePerson(o.db, 5001, { traktAccountId: kids.id });
    expect(await traktAccountFor(deps, { accountId: 5001, accountTitle: 'kid' })).toEqual({ traktAccountId: kids.id, plexAccountId: 5001 });
    expect(await traktAccountFor(deps, { accountId: 1, accountTitle: 'owner-pat' })).toEqual({ traktAccountId: mine.id, plexAccountId: 1 });
  });

  it('the owner’s account gone: the owner’s plays are ignored, not sent to a household member’s account', async () => {
    const mine = await connect('owner-trakt');
    const kids = await connect('kid-trakt');
    await traktAccountFor(deps, { accountId: 5001, accountTitle: 'kid' });
    await updatePerson(o.db, 5001, { traktAccountId: kids.id });
    await markDisconnected(o.db, mine.id);
    expect(await traktAccountFor(deps, { accountId: 1, accountTitle: 'owner-pat' })).toEqual({ ignored: 'Trakt is not connected: connect it in Settings, then retry.' });
  });

  it('webhooks off, or their own account disconnected: ignored, each with its sentence', async () => {
    const kids = await connect('kid-trakt');
    await traktAccountFor(deps, { accountId: 5001, accountTitle: 'kid' });
    await updatePerson(o.db, 5001, { traktAccountId: kids.id, webhooks: false });
    expect(await traktAccountFor(deps, { accountId: 5001, accountTitle: 'kid' })).toEqual({ ignored: 'Webhooks are off for kid: turn them on in Settings → People.' });
    await updatePerson(o.db, 5001, { webhooks: true });
    await markDisconnected(o.db, kids.id);
    expect(await traktAccountFor(deps, { accountId: 5001, accountTitle: 'kid' })).toEqual({ ignored: "kid's Trakt account is disconnected: connect it again in Settings → People." });
    expect(await traktAccountFor(deps, { accountId: null, accountTitle: null })).toEqual({ ignored: 'The payload names no Plex account.' });
  });
});
