/**
 * One sync run in its own process (bundled: tests/helpers/node-entry.ts), so a test can SIGKILL
 * it in the middle of the write phase. Reads everything from the environment: DATA_DIR
 * and the Trakt URLs (as the service does), SYNC_PLEX (JSON PlexTarget of the stand-in; when
 * unset, the production Plex path: PLEX_URL + PLEX_TOKEN through src/plex/server-client.ts), SYNC_BATCH,
 * SYNC_LEASE_TTL, SYNC_REAL_BUDGETS=1 (Trakt's real budgets, for the benchmark).
 * Prints "writing <id>" when the write phase starts, then the run row as JSON with the
 * process's peak RSS (`maxRssKb`) and, per phase of the run, the peak RSS and JS heap sampled
 * every 20 ms (`phaseMemory`, MB), so the bench can say which phase holds the memory.
 * SYNC_RUNS=N runs N syncs one after another in this one process, as the server does (SYNC_FULL=1:
 * each a full walk), and adds each run's peak RSS (`runsRssMb`): memory that stays flat run after
 * run is memory the server does not leak. SYNC_IN_SERVER=1 runs them inside the whole server.
 */
import v8 from 'node:v8';
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import { startService } from '../../src/main.js';
import { startSyncRun } from '../../src/sync/run.js';
import { createSyncPorts } from '../../src/sync/wiring.js';
import { standInClient, type PlexTarget } from './sync-plex-standin.js';

const env = process.env;
const tune = { trakt: env.SYNC_REAL_BUDGETS === '1' ? { timeoutMs: 60_000 } : { budgets: { writeIntervalMs: 5 }, retry: { baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 60_000 } };
// SYNC_IN_SERVER=1: the whole server is up in this process (HTTP on a free loopback port, the webhook
// worker, schedules, the history mirror, the Plex listener), its log on stderr, and the run happens
// inside it: the memory a run costs where it usually runs.
const server = env.SYNC_IN_SERVER === '1' ? await startService(loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' }), { logSink: process.stderr, tune }) : undefined;
const ctx = server ? { deps: server.deps, close: () => server.close() } : await createContext(loadConfig(env), { logFd: 2, tune });
const plex = env.SYNC_PLEX ? standInClient(JSON.parse(env.SYNC_PLEX) as PlexTarget) : undefined;
const ports = plex ? createSyncPorts(ctx.deps, { plex: async () => plex }) : createSyncPorts(ctx.deps);
let announced = false;
// Peak RSS / heap per phase: sampled often, attributed to the phase the run last reported.
let current = 'starting';
const phaseMemory: Record<string, { rssMb: number; heapMb: number; ms?: number }> = {};
let phaseStart = performance.now();
const sample = () => {
  const m = process.memoryUsage();
  const p = (phaseMemory[current] ??= { rssMb: 0, heapMb: 0 });
  p.rssMb = Math.max(p.rssMb, Math.round(m.rss / 1048576));
  p.heapMb = Math.max(p.heapMb, Math.round(m.heapUsed / 1048576));
};
const sampler = setInterval(sample, 20);
const runsRssMb: number[] = [];
// With node --expose-gc (NODE_OPTIONS): the live heap after each run, what a leak would grow.
const heapAfterGcMb: number[] = [];
const gc = (globalThis as { gc?: () => void }).gc;
let row;
for (let n = Math.max(1, Number(env.SYNC_RUNS ?? 1)); n > 0; n--) {
  let peak = 0;
  const each = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = await startSyncRun(ctx.deps, ports, { trigger: 'cli', full: env.SYNC_FULL === '1' }, {
    batchSize: Number(env.SYNC_BATCH ?? 250),
    writeGapMs: env.SYNC_REAL_BUDGETS === '1' ? undefined : 0,
    leaseTtlMs: Number(env.SYNC_LEASE_TTL ?? 60_000),
    heartbeatMs: 100,
    // The bench (real budgets) reports progress as the service does (every 500 ms); tests want every change.
    progressMs: env.SYNC_REAL_BUDGETS === '1' ? 500 : 0,
    onProgress: (run) => {
      sample();
      // SYNC_HEAP_SNAPSHOT=<dir>: a heap snapshot as each phase ends, to see what holds the memory.
      if (env.SYNC_HEAP_SNAPSHOT && run.phase !== current) v8.writeHeapSnapshot(`${env.SYNC_HEAP_SNAPSHOT}/sync-${run.id}-${current}.heapsnapshot`);
      if (run.phase !== current) {
        phaseMemory[current]!.ms = Math.round((phaseMemory[current]!.ms ?? 0) + performance.now() - phaseStart);
        phaseStart = performance.now();
      }
      current = run.phase;
      if (run.phase === 'writing' && !announced) {
        announced = true;
        process.stdout.write(`writing ${run.id}\n`);
      }
    },
  });
  row = await started.done;
  clearInterval(each);
  runsRssMb.push(Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576));
  if (gc) {
    gc();
    heapAfterGcMb.push(Math.round(process.memoryUsage().heapUsed / 1048576));
  }
}
sample();
clearInterval(sampler);
process.stdout.write(JSON.stringify({ ...row, maxRssKb: process.resourceUsage().maxRSS, phaseMemory, runsRssMb, heapAfterGcMb }) + '\n');
await ctx.close();
