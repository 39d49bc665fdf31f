/**
 * The short soak (about a minute) in `npm test`; `npm run soak` runs the ten-minute one
 * (tests/soak/run.ts). Webhooks at a steady rate while syncs of a generated library run and
 * the History page is read: every acknowledged webhook processed exactly once, no 5xx,
 * memory flat, the queue drained.
 */
import { describe, expect, it } from 'vitest';
import { formatFigures, runSoak } from '../soak/soak.js';

describe('soak (short)', () => {
  it('webhooks, syncs and page reads for about a minute: nothing lost, nothing twice, no 5xx, flat memory', async () => {
    const lines: string[] = [];
    const f = await runSoak({ durationMs: 50_000, webhooksPerSecond: 4, movies: 150, shows: 6, episodesPerShow: 10, syncEveryMs: 8_000, readEveryMs: 150, log: (l) => lines.push(l) });
    console.info(`short soak:\n${formatFigures(f)}${lines.length ? `\n${lines.slice(0, 20).join('\n')}` : ''}`);
    expect(f.webhooksSent).toBeGreaterThanOrEqual(190);
    expect(f.webhooksAcknowledged).toBe(f.webhooksSent);
    expect(f.processed).toBe(f.webhooksAcknowledged);
    expect(f.scrobblesAcknowledged).toBeGreaterThanOrEqual(20);
    expect(f.losses).toBe(0);
    expect(f.duplicates).toBe(0);
    expect(f.plays).toBe(f.expectedPlays); // the sync's plays and one per scrobble: the right end state
    expect(f.http5xx).toBe(0);
    expect(f.queueDepthEnd).toBe(0);
    expect(f.syncRunsStarted).toBeGreaterThanOrEqual(1);
    expect(f.syncRunsFinished.running ?? 0).toBe(0);
    expect(f.syncRunsFinished.failed ?? 0).toBe(0);
    expect(f.pageReads).toBeGreaterThan(50);
    expect(f.pageReadMaxMs).toBeLessThan(5_000);
    // Flat memory: the end is within 60 % (and 120 MB) of the start after warm-up.
    expect(f.rssEndMb).toBeLessThan(Math.max(f.rssStartMb * 1.6, f.rssStartMb + 120));
  }, 240_000);
});
