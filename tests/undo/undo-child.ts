/**
 * One undo in its own process (bundled: tests/helpers/node-entry.ts), so a test can SIGKILL it in
 * the middle. Environment: DATA_DIR and the Trakt URLs as the service reads them,
 * SYNC_PLEX (JSON PlexTarget of the stand-in), UNDO_RUN (the run to undo), SYNC_BATCH,
 * SYNC_LEASE_TTL, UNDO_REAL_BUDGETS=1 (Trakt's real budgets and write pacing, for the benchmark). Prints "writing <id>" once the undo run exists, then its row as JSON.
 */
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import { createSyncPorts } from '../../src/sync/wiring.js';
import { startUndoRun } from '../../src/undo/run-undo.js';
import { standInClient, type PlexTarget } from '../sync/sync-plex-standin.js';

const env = process.env;
const real = env.UNDO_REAL_BUDGETS === '1';
const ctx = await createContext(loadConfig(env), {
  logFd: 2,
  tune: { trakt: real ? { timeoutMs: 60_000 } : { budgets: { writeIntervalMs: 5 }, retry: { baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 60_000 } },
});
const plex = standInClient(JSON.parse(env.SYNC_PLEX!) as PlexTarget);
const ports = createSyncPorts(ctx.deps, { plex: async () => plex });
const started = await startUndoRun(ctx.deps, ports, { kind: 'run', id: Number(env.UNDO_RUN) }, 'cli', {
  batchSize: Number(env.SYNC_BATCH ?? 250),
  writeGapMs: real ? undefined : 0,
  leaseTtlMs: Number(env.SYNC_LEASE_TTL ?? 60_000),
  heartbeatMs: 100,
  progressMs: 0,
});
process.stdout.write(`writing ${started.runId}\n`);
const row = await started.done;
process.stdout.write(JSON.stringify({ ...row, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
await ctx.close();
