/**
 * The Plex server misbehaving under a sync (the server preset by PLEX_URL/PLEX_TOKEN, the
 * Plex emulator seeded from a generated library): down (stopped), answering garbage (an
 * HTML page with 200, truncated JSON) and 5xx. Each time: the pages keep answering
 * quickly, the run ends with a reason that names Plex and the status reports it, and the
 * next run once Plex is back reaches the right end state without a duplicate play.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import type { Fault } from '../fakes/kit/server.js';
import { buildLibrary } from '../sync/sync-library.js';
import { startHarness, timedGet, until, type Harness } from './harness.js';

let trakt: TraktFake;
let plex: PlexFakes;
let h: Harness;
const lib = buildLibrary({ movies: 30, shows: 3, episodesPerShow: 6, seasons: 2 });
const WATCHED = 10 + 3 * 3;

beforeAll(async () => {
  const at = Math.floor(Date.now() / 1000) - 86400;
  lib.movies.slice(0, 10).forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: at + i }));
  lib.shows.forEach((s) => s.episodes.forEach((e, i) => i % 2 === 0 && (e.plex = { viewCount: 1, lastViewedAt: at + i })));
  trakt = await startTraktFake({ rateLimits: false });
  seedTraktFromLibrary(trakt, lib);
  plex = await startPlexFakes({ library: lib });
  h = await startHarness(trakt, { env: { PLEX_URL: plex.pmsUrl, PLEX_TOKEN: plex.pms.tokenFor() } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await plex?.stop();
  await trakt?.stop();
});

interface RunJson {
  id: number;
  status: string;
  error: string | null;
}

async function runSync(): Promise<RunJson> {
  const res = await fetch(`${h.service.url}/api/v1/sync`, { method: 'POST', headers: { 'x-api-key': 'reliability-api-key-0123456789' } });
  expect(res.status).toBe(202);
  const { runId } = (await res.json()) as { runId: number };
  // Pages answer quickly while the run deals with Plex.
  for (const page of ['/', '/runs']) {
    const r = await timedGet(h.client, page);
    expect(r.status, page).toBe(200);
    expect(r.ms, `${page} took ${r.ms} ms`).toBeLessThan(1500);
  }
  return until(`run ${runId} finished`, () => h.api<RunJson>(`/api/v1/runs/${runId}`), (r) => r.status !== 'running' && r.status !== 'queued', 60_000, 100);
}

const duplicates = () => {
  const n = new Map<number, number>();
  for (const p of trakt.plays('alice')) n.set(p.trakt, (n.get(p.trakt) ?? 0) + 1);
  return [...n.values()].filter((v) => v > 1).length;
};

async function failsClearly(reason: RegExp) {
  const run = await runSync();
  console.info(`plex fault: run ${run.id} ${run.status}: ${run.error}`);
  expect(run.status).toBe('failed');
  expect(run.error ?? '').toMatch(/Plex/);
  expect(run.error ?? '').toMatch(reason);
  const status = await h.api<{ sync: { lastRuns: RunJson[] } }>('/api/v1/status');
  expect(status.sync.lastRuns[0]!.id).toBe(run.id);
  expect(status.sync.lastRuns[0]!.error).toBe(run.error);
  const runs = await timedGet(h.client, `/runs/${run.id}`);
  expect(runs.status).toBe(200);
  expect(runs.body.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')).toContain(run.error!.slice(0, 40));
  expect(trakt.plays('alice')).toHaveLength(0); // nothing half-done was written
}

describe('Plex faults during a sync', () => {
  it('down: the run fails naming Plex, and the next run after it is back is complete', async () => {
    const port = Number(new URL(plex.pmsUrl).port);
    await plex.pms.stop();
    await failsClearly(/reach|connect|answer/i);
    await plex.pms.start(port);
  }, 90_000);

  const faults: Array<[string, Fault, RegExp]> = [
    ['an HTML page with 200', { kind: 'garbage', body: '<!doctype html><title>Plex login</title>', contentType: 'text/html' }, /./],
    ['truncated JSON', { kind: 'garbage', body: '{"MediaContainer":{"size":2,"Directory":[{"key":"1"', contentType: 'application/json' }, /./],
    ['503 on every try', { kind: 'status', status: 503, body: 'Service Unavailable' }, /503/],
  ];
  for (const [name, fault, reason] of faults) {
    it(`answering ${name}: the run fails clearly`, async () => {
      plex.pms.server.inject('/library/sections', fault, 50);
      try {
        await failsClearly(reason);
      } finally {
        plex.pms.server.clearFaults();
      }
    }, 90_000);
  }

  it('recovers: the next run sends every watched item once; a second run sends nothing more', async () => {
    const run = await runSync();
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(trakt.plays('alice')).toHaveLength(WATCHED);
    const again = await runSync();
    expect(again.status).toBe('succeeded');
    expect(trakt.plays('alice')).toHaveLength(WATCHED);
    expect(duplicates()).toBe(0);
  }, 90_000);
});
