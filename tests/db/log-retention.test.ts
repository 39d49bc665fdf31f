/**
 * Log retention: the hourly prune drops lines older than the retention, but a sync run's
 * own lines (run_id) stay as long as the run is kept, so its page still shows its log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun, pruneRuns } from '../../src/db/repos/sync-runs.js';
import { makeTestContext, type TestContext } from '../helpers/context.js';

const DAY = 24 * 3600 * 1000;
let ctx: TestContext;

beforeAll(async () => {
  ctx = await makeTestContext();
});
afterAll(async () => ctx?.close());

function writeLine(o: Record<string, unknown>) {
  ctx.logStore.stream.write(JSON.stringify({ level: 30, ...o }) + '\n');
}

const count = (where: string, ...args: unknown[]) => (ctx.deps.sqlite.prepare(`SELECT COUNT(*) AS n FROM logs WHERE ${where}`).get(...args) as { n: number }).n;

describe('log store prune', () => {
  it('keeps the lines of a kept run, drops old untagged lines and the lines of a pruned run', async () => {
    const old = Date.now() - 30 * DAY;
    const pruned = await createRun(ctx.deps.db, 'manual', false, true, old);
    const kept = await createRun(ctx.deps.db, 'manual', false, true, old);
    writeLine({ time: old, component: 'sync', runId: kept, msg: 'kept run line' });
    writeLine({ time: old, component: 'sync', runId: pruned, msg: 'pruned run line' });
    writeLine({ time: old, component: 'server', msg: 'old service line' });
    writeLine({ time: Date.now(), component: 'server', msg: 'recent service line' });
    await new Promise((r) => setImmediate(r));
    await pruneRuns(ctx.deps.db, 1); // only the newest run is kept
    ctx.logStore.prune(14 * DAY);
    expect(count('msg = ?', 'kept run line')).toBe(1);
    expect(count('msg = ?', 'pruned run line')).toBe(0);
    expect(count('msg = ?', 'old service line')).toBe(0);
    expect(count('msg = ?', 'recent service line')).toBe(1);
  });
});
