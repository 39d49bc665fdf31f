/**
 * A sync while Trakt answers garbage (HTML where JSON belongs, truncated JSON) or answers too
 * late (the write lands, the answer misses the client's timeout): the run ends with a clear
 * sentence, nothing is sent twice, and the next run finishes the job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { plexWatchedLibrary } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

let w: SyncWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const playsPerMovie = (w: SyncWorld) => {
  const n = new Map<number, number>();
  for (const p of w.trakt.plays('alice')) if (p.type === 'movie') n.set(p.trakt, (n.get(p.trakt) ?? 0) + 1);
  return n;
};
const CLOUDFLARE = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>';

describe('Trakt answering garbage or too late during a sync', () => {
  it('an HTML page instead of the watched list stops the run with a sentence, writes nothing; the next run finishes', async () => {
    w = await makeSyncWorld(plexWatchedLibrary());
    w.trakt.server.inject('/sync/watched/movies', { kind: 'garbage', body: CLOUDFLARE, contentType: 'text/html' }, 20);
    const first = await w.run({});
    expect(first.status).toBe('failed');
    expect(first.error ?? '').toMatch(/Trakt/);
    expect(first.error ?? '').not.toMatch(/Unexpected token|SyntaxError/); // a sentence, not a parser's message
    expect(w.trakt.plays('alice')).toHaveLength(0);
    w.trakt.server.clearFaults();
    const second = await w.run({});
    expect(second).toMatchObject({ status: 'succeeded', added_to_trakt: 10 });
    expect([...playsPerMovie(w).values()].every((n) => n === 1)).toBe(true);
  }, 20_000);

  it('truncated JSON as the answer to a history write: the batch is checked against Trakt, never sent twice', async () => {
    w = await makeSyncWorld(plexWatchedLibrary(9));
    w.trakt.server.inject('/sync/history', { kind: 'garbage', body: '{"added":{"movies":', contentType: 'application/json' }, 2);
    const first = await w.run({}, { batchSize: 3 });
    expect(['succeeded', 'partial']).toContain(first.status);
    if (first.status !== 'succeeded') await w.run({}, { batchSize: 3 });
    const plays = playsPerMovie(w);
    expect(plays.size).toBe(9);
    expect([...plays.values()].every((n) => n === 1)).toBe(true);
  }, 20_000);

  it('answers after the client gave up (the writes land late): found in history, never sent twice', async () => {
    w = await makeSyncWorld(plexWatchedLibrary(9), { client: { timeoutMs: 300, retry: { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 5_000 } } });
    let slowed = false;
    const first = await w.run({}, {
      batchSize: 3,
      onProgress: (r) => {
        if (!slowed && r.phase === 'writing') {
          slowed = true;
          w!.trakt.server.latencyMs = 800;
        }
      },
    });
    w.trakt.server.latencyMs = 0;
    expect(slowed).toBe(true);
    expect(['succeeded', 'partial']).toContain(first.status);
    if (first.status === 'partial') expect(first.error ?? '').toMatch(/did not answer|timed out|next run/i);
    await new Promise((r) => setTimeout(r, 1000)); // late writes land
    const second = await w.run({}, { batchSize: 3 });
    expect(second.status).toBe('succeeded');
    const plays = playsPerMovie(w);
    expect(plays.size).toBe(9);
    expect([...plays.entries()].filter(([, n]) => n > 1)).toEqual([]);
  }, 40_000);
});
