import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes } from './fakes.js';
import { seedPlexFromLibrary, type PlexSeedSummary } from './seed.js';
import { bigLibrary, fetchJson, T0 } from './test-support.js';

// 10,000 movies and 100,000 episodes (2,000 shows × 50), as the benchmark uses. Times are
// CPU time of this process (client and server both), not wall time: CI machines are shared.
let fakes: PlexFakes;
let seeded: PlexSeedSummary;
let seedCpuMs = 0;
let token: string;

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

beforeAll(async () => {
  fakes = await startPlexFakes({ tokenSeed: 'scale' });
  const lib = bigLibrary(10_000, 2_000, 50);
  const before = cpuMs();
  seeded = seedPlexFromLibrary(fakes, lib);
  seedCpuMs = cpuMs() - before;
  token = fakes.pms.tokenFor();
});
afterAll(() => fakes.stop());

const get = async (query: string) => {
  const res = await fetchJson(`${fakes.pmsUrl}/library/sections/2/all?type=4&includeGuids=1&${query}`, { headers: { accept: 'application/json', 'x-plex-token': token } });
  expect(res.status).toBe(200);
  return (await res.json()).MediaContainer;
};

describe('a library of 10,000 movies and 100,000 episodes', () => {
  it('seeds in well under two seconds', () => {
    expect(seeded).toMatchObject({ movies: 10_000, shows: 2_000, seasons: 10_000, episodes: 100_000 });
    expect(seedCpuMs).toBeLessThan(2_000);
  });

  it('keeps episodes in one default order: show by show, each in season/episode order', () => {
    const list = fakes.pms.store.list(2, 4);
    expect(list).toHaveLength(100_000);
    const finished = new Set<number>();
    let show = -1;
    let last = -1;
    let outOfOrder = 0; // counted, not asserted per item: 100,000 expect() calls are slow
    for (const e of list) {
      if (e.show!.rk !== show) {
        if (finished.has(e.show!.rk)) outOfOrder += 1;
        finished.add(show);
        show = e.show!.rk;
        last = -1;
      }
      const position = e.parent!.index! * 1000 + e.index!;
      if (position <= last) outOfOrder += 1;
      last = position;
    }
    expect(outOfOrder).toBe(0);
    expect(new Set(list.map((e) => e.rk)).size).toBe(100_000);
  });

  it('serves a page deep in the list as cheaply as the first, and pages stitch together', async () => {
    await get('X-Plex-Container-Start=0&X-Plex-Container-Size=1000'); // warm up
    let before = cpuMs();
    const first = await get('X-Plex-Container-Start=0&X-Plex-Container-Size=1000');
    const firstMs = cpuMs() - before;
    before = cpuMs();
    const deep = await get('X-Plex-Container-Start=99000&X-Plex-Container-Size=1000');
    const deepMs = cpuMs() - before;
    expect(first).toMatchObject({ offset: 0, size: 1000, totalSize: 100_000 });
    expect(deep).toMatchObject({ offset: 99_000, size: 1000, totalSize: 100_000 });
    expect(deepMs).toBeLessThan(Math.max(150, firstMs * 3));
    expect(deep.Metadata[0].Media[0].Part[0].file).toMatch(/ - S\d\dE\d\d\.mkv$/);

    const list = fakes.pms.store.list(2, 4);
    const a = await get('X-Plex-Container-Start=49990&X-Plex-Container-Size=10');
    const b = await get('X-Plex-Container-Start=50000&X-Plex-Container-Size=10');
    expect([...a.Metadata, ...b.Metadata].map((m: any) => m.ratingKey)).toEqual(list.slice(49_990, 50_010).map((e) => e.ratingKey));
  });

  it('walks a filtered list page by page without re-filtering each page', async () => {
    // Every third episode was watched at T0 - n: after T0 - 30000 are n < 30000, n % 3 == 0.
    const query = `lastViewedAt>>=${T0 - 30_000}`;
    const total = await get(`${query}&X-Plex-Container-Start=0&X-Plex-Container-Size=0`);
    expect(total).toMatchObject({ size: 0, totalSize: 9_999 });
    const seen = new Set<string>();
    let pages = 0;
    const before = cpuMs();
    for (let start = 0; start < total.totalSize && pages < 20; start += 1000, pages++) {
      const page = await get(`${query}&X-Plex-Container-Start=${start}&X-Plex-Container-Size=1000`);
      for (const m of page.Metadata) seen.add(m.ratingKey);
    }
    expect(seen.size).toBe(9_999);
    expect(cpuMs() - before).toBeLessThan(5_000);
  });

  it('counts a movie section without listing it', async () => {
    const res = await fetchJson(`${fakes.pmsUrl}/library/sections/1/all?type=1&X-Plex-Container-Start=0&X-Plex-Container-Size=0`, { headers: { accept: 'application/json', 'x-plex-token': token } });
    expect(res.headers.get('x-plex-container-total-size')).toBe('10000');
  });
});
