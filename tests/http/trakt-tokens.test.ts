/**
 * The token lifecycle against the Trakt emulator (served under a path prefix, as a base URL
 * may be): device login, refresh before expiry and on a 401, one refresh for concurrent
 * callers in one process and across two, a refused refresh, and tokens sealed on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createContext, type ServiceContext } from '../../src/context.js';
import { getTraktAccount, readTokens, saveConnectedAccount } from '../../src/db/repos/trakt-accounts.js';
import { saveTraktApp } from '../../src/trakt/credentials.js';
import { completeDeviceLogin, pollDeviceLogin, startDeviceLogin } from '../../src/trakt/device-auth.js';
import { TraktAuthError } from '../../src/trakt/errors.js';
import { TraktClientRegistry, type TraktRegistryOptions } from '../../src/trakt/registry.js';
import { collectStatus } from '../../src/web/status.js';
import { connectedTraktAccounts, traktWriterFor } from '../../src/trakt/writer.js';
import '../../src/trakt/status.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

let fake: TraktFake;
let t: TestContext;
const extra: ServiceContext[] = [];

const FAST: TraktRegistryOptions = { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }, budgets: { writeIntervalMs: 10 } };

beforeEach(async () => {
  fake = await startTraktFake({ rateLimits: false, pathPrefix: '/trakt', deviceCodeIntervalSec: 0 });
  t = await makeTestContext({ TRAKT_API_URL: fake.url, TRAKT_OAUTH_URL: fake.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID }, { tune: { trakt: FAST } });
  await saveTraktApp(t.deps, { clientSecret: DEFAULT_CLIENT_SECRET }); // the secret from settings, id from the environment
});
afterEach(async () => {
  for (const c of extra.splice(0)) await c.close();
  await t.close();
  await fake.stop();
});

async function connectAlice(): Promise<number> {
  const registry = t.deps.traktClients!;
  const app = await registry.oauthApp();
  const code = await startDeviceLogin(app);
  expect(await pollDeviceLogin(app, code.deviceCode)).toEqual({ state: 'pending' });
  expect(fake.approveDevice(code.userCode, 'alice')).toBe(true);
  const poll = await pollDeviceLogin(app, code.deviceCode);
  if (poll.state !== 'approved') throw new Error(`expected approval, got ${poll.state}`);
  const account = await completeDeviceLogin(t.deps, app.clientId, poll.tokens);
  expect(account).toMatchObject({ username: 'alice', status: 'connected' });
  return account.id;
}

/** A second process: its own context and connection on the same data directory. */
async function secondProcess(opts: TraktRegistryOptions = FAST): Promise<ServiceContext> {
  const ctx = await createContext(t.deps.config, { logFd: 2, logSink: t.logs, tune: { trakt: opts } });
  extra.push(ctx);
  return ctx;
}

describe('Trakt tokens against the emulator', () => {
  it('logs in by device code and keeps tokens and the client secret unreadable in the database files', async () => {
    const id = await connectAlice();
    const stored = await readTokens(t.deps.db, t.deps.cipher, id);
    const client = await t.deps.traktClients!.forAccount(id);
    expect((await client.userSettings()).user.username).toBe('alice');

    t.deps.sqlite.pragma('wal_checkpoint(PASSIVE)');
    const files = fs.readdirSync(t.dataDir).filter((f) => f.includes('.db'));
    expect(files.length).toBeGreaterThan(0);
    const raw = Buffer.concat(files.map((f) => fs.readFileSync(path.join(t.dataDir, f))));
    for (const secret of [stored!.accessToken, stored!.refreshToken, DEFAULT_CLIENT_SECRET]) {
      expect(raw.includes(Buffer.from(secret))).toBe(false);
    }
    expect(raw.includes(Buffer.from('alice'))).toBe(true); // the file is readable; only secrets are sealed
    expect(t.logs.text()).not.toContain(stored!.accessToken);
  });

  it('refreshes a margin before expiry, stores the new pair, and the old refresh token is spent', async () => {
    const id = await connectAlice();
    const before = (await readTokens(t.deps.db, t.deps.cipher, id))!;
    const registry = new TraktClientRegistry(t.deps, { ...FAST, now: () => before.expiresAt - 30 * 60_000, refreshMarginMs: 3600_000 });
    const client = await registry.forAccount(id);
    await client.lastActivities();
    const after = (await readTokens(t.deps.db, t.deps.cipher, id))!;
    expect(registry.counters.refreshes).toBe(1);
    expect(after.version).toBe(before.version + 1);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(fake.countOf('POST /oauth/token')).toBe(1);
    expect(t.logs.text()).not.toContain(after.accessToken);
  });

  it('refreshes once on a 401 and repeats the call', async () => {
    const id = await connectAlice();
    const registry = t.deps.traktClients!;
    const client = await registry.forAccount(id);
    expect(fake.expireAccessTokens('alice')).toBeGreaterThan(0);
    expect(await client.lastActivities()).toHaveProperty('all');
    expect(registry.counters.refreshes).toBe(1);
    expect(registry.counters.requests.get('GET 401')).toBe(1);
  });

  it('two concurrent calls needing a refresh cause one refresh', async () => {
    const id = await connectAlice();
    const client = await t.deps.traktClients!.forAccount(id);
    fake.expireAccessTokens('alice');
    const results = await Promise.all([client.lastActivities(), client.userSettings(), client.lastActivities()]);
    expect(results).toHaveLength(3);
    expect(fake.countOf('POST /oauth/token')).toBe(1);
  });

  it('two processes on one database file refresh once between them', async () => {
    const id = await connectAlice();
    const other = await secondProcess();
    const a = await t.deps.traktClients!.forAccount(id);
    const b = await other.deps.traktClients!.forAccount(id);
    await Promise.all([a.lastActivities(), b.lastActivities()]); // both hold the same token now
    fake.expireAccessTokens('alice');
    const results = await Promise.all([a.lastActivities(), b.lastActivities(), a.userSettings(), b.userSettings()]);
    expect(results).toHaveLength(4);
    expect(fake.countOf('POST /oauth/token')).toBe(1);
    const stored = (await readTokens(other.deps.db, other.deps.cipher, id))!;
    expect(stored.status).toBe('connected');
  });

  it('a refused refresh marks the account "needs login" and deletes nothing', async () => {
    const id = await connectAlice();
    const stored = (await readTokens(t.deps.db, t.deps.cipher, id))!;
    // Someone spends our refresh token elsewhere: Trakt's copy rotates, ours is dead.
    const res = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'test/1' },
      body: JSON.stringify({ refresh_token: stored.refreshToken, client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, grant_type: 'refresh_token' }),
    });
    expect(res.status).toBe(200);
    const client = await t.deps.traktClients!.forAccount(id);
    await expect(client.lastActivities()).rejects.toBeInstanceOf(TraktAuthError);
    const account = (await getTraktAccount(t.deps.db, id))!;
    expect(account.status).toBe('needs_login');
    expect(account.lastError).toMatch(/Connect Trakt again/);
    expect(await readTokens(t.deps.db, t.deps.cipher, id)).toBeDefined();
    const status = (await collectStatus(t.deps)) as { trakt?: { needsLogin: boolean; connected: boolean } };
    expect(status.trakt).toMatchObject({ needsLogin: true, connected: false });
    // Later calls fail fast with the sentence, without asking Trakt again.
    const tokenCalls = fake.countOf('POST /oauth/token');
    await expect(client.userSettings()).rejects.toThrow(/sign in again/);
    expect(fake.countOf('POST /oauth/token')).toBe(tokenCalls);
  });

  it('a new login of the same Trakt user reuses the account row', async () => {
    const first = await connectAlice();
    const pair = fake.issueToken('alice');
    const again = await saveConnectedAccount(t.deps.db, t.deps.cipher, { username: 'alice', slug: 'alice' }, DEFAULT_CLIENT_ID, {
      accessToken: pair.access_token,
      refreshToken: pair.refresh_token,
      createdAt: pair.created_at * 1000,
      expiresAt: (pair.created_at + pair.expires_in) * 1000,
    });
    expect(again.id).toBe(first);
  });

  it('gives the webhook worker a writer over the shared client, and none once the account needs login', async () => {
    const id = await connectAlice();
    fake.catalogue.addMovie({ trakt: 501, title: 'Heat', year: 1995, imdb: 'tt0113277', tmdb: 949 });
    expect(await connectedTraktAccounts(t.deps)).toEqual([{ id, username: 'alice' }]);
    const writer = (await traktWriterFor(t.deps, id))!;
    const answer = await writer.post('/sync/history', { movies: [{ ids: { imdb: 'tt0113277' }, watched_at: '2026-01-02T03:04:05.000Z' }] });
    expect(answer.status).toBe(201);
    expect(fake.plays('alice')).toHaveLength(1);
    expect(t.deps.traktClients!.counters.requests.get('POST 201')).toBe(1);
    const { markNeedsLogin } = await import('../../src/db/repos/trakt-accounts.js');
    await markNeedsLogin(t.deps.db, id, 'test');
    expect(await traktWriterFor(t.deps, id)).toBeNull();
  });
});
