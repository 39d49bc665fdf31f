/**
 * One sync test world: the Trakt emulator and the Plex stand-in seeded from one library,
 * a real service context (temp SQLite) with a connected Trakt account behind engineer A's
 * real client (fast budgets and retries), and a `run()` that does one sync.
 */
import type { Library } from '../fakes/library/model.js';
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { startSyncRun, type RunnerOptions, type StartOptions } from '../../src/sync/run.js';
import type { SyncPorts } from '../../src/sync/ports.js';
import { createSyncPorts, plexPortFrom } from '../../src/sync/wiring.js';
import { PlexServerClient } from '../../src/plex/server-client.js';
import type { TraktRegistryOptions } from '../../src/trakt/registry.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, seedTraktFromLibrary, startTraktFake, type TraktFake, type TraktFakeOptions } from '../fakes/trakt/index.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';
import { PlexStandIn, standInClient, targetOf } from './sync-plex-standin.js';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

export interface SyncWorld {
  lib: Library;
  trakt: TraktFake;
  plex: PlexStandIn;
  ctx: TestContext;
  ports: SyncPorts;
  accountId: number;
  run(start?: Partial<StartOptions>, opts?: RunnerOptions): Promise<SyncRunRow>;
  close(): Promise<void>;
}

export interface WorldOptions {
  trakt?: TraktFakeOptions;
  client?: TraktRegistryOptions;
  runner?: RunnerOptions;
  /** Use the tests' own small Plex client instead of engineer B's PlexServerClient. */
  plainPlex?: boolean;
  /** Skip seeding Trakt (e.g. to seed it differently). */
  seedTrakt?: boolean;
}

export async function makeSyncWorld(lib: Library, opts: WorldOptions = {}): Promise<SyncWorld> {
  const trakt = await startTraktFake({ rateLimits: false, ...opts.trakt });
  if (opts.seedTrakt !== false) seedTraktFromLibrary(trakt, lib);
  const plex = new PlexStandIn(lib);
  await plex.start();
  // Engineer B's real Plex server client against the stand-in (opts.plainPlex: the test's own small client).
  const plexClient = new PlexServerClient({ baseUrl: plex.url, token: plex.token, clientIdentifier: 'sync-tests', timeoutMs: 5_000 });
  const plexPort = opts.plainPlex ? standInClient(targetOf(plex)) : plexPortFrom(plexClient, lib.machineIdentifier);
  const ctx = await makeTestContext(
    { TRAKT_API_URL: trakt.url, TRAKT_OAUTH_URL: trakt.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET },
    {
      tune: {
        trakt: { budgets: { writeLimit: 1, writeIntervalMs: 5 }, retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 5_000 }, timeoutMs: 5_000, ...opts.client },
        // The service's own SyncService (pages, API, jobs) uses the same Plex port.
        sync: { ports: (deps) => createSyncPorts(deps, { plex: async () => plexPort }), runner: { heartbeatMs: 200, progressMs: 20, writeGapMs: 0, ...opts.runner } },
      },
    },
  );
  const account = await connectTraktAccount(ctx.deps, trakt, lib.owner.traktUsername);
  const ports = createSyncPorts(ctx.deps, { plex: async () => plexPort });
  return {
    lib, trakt, plex, ctx, ports, accountId: account.id,
    async run(start = {}, runOpts = {}) {
      const started = await startSyncRun(ctx.deps, ports, { trigger: 'manual', ...start }, { heartbeatMs: 200, progressMs: 20, writeGapMs: 0, ...opts.runner, ...runOpts });
      return started.done;
    },
    async close() {
      await ctx.close();
      await plex.stop();
      await trakt.stop();
    },
  };
}
