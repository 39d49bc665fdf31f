/**
 * Live sessions benchmark (`npm run bench -- live`). The service runs in this process with the
 * listener on the Plex emulator's notifications socket and the worker writing to the Trakt
 * emulator (answering at once, no write pacing: the test ports' plain writer).
 * - stop notification → Trakt call: the `stopped` frame leaves the emulator; the clock stops
 *   when the Trakt emulator receives POST /scrobble/stop (median, p99; goal < 100 / < 300 ms);
 * - CPU per notification at 50 concurrent sessions: progress reports (`playing` every round for
 *   each of 50 sessions, what a busy server sends): the process's CPU until every report is
 *   handled, minus what the emulator spent building and sending them (measured around its sends).
 * Sizes: BENCH_LIVE_STOPS (default 60), BENCH_LIVE_ROUNDS (default 200 → 10,000 notifications).
 */
import { loadConfig } from '../../src/config/env.js';
import { startService } from '../../src/main.js';
import { generateLibrary } from '../fakes/library/index.js';
import { startPlexFakes, type LivePlay, type PlexFakes } from '../fakes/plex/index.js';
import { seedTraktFromLibrary, startTraktFake } from '../fakes/trakt/index.js';
import { testPorts } from '../fixtures/webhooks/test-ports.js';
import { LogCapture } from '../helpers/context.js';
import { loopbackServiceEnv, plexPresetEnv } from '../helpers/emulator-env.js';

const STOPS = Number(process.env.BENCH_LIVE_STOPS ?? 60);
const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 200);
const SESSIONS = 50;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(1);
  }
}

/** CPU (user + system, ms) spent while `work` runs. */
async function cpuOf(work: () => Promise<void>): Promise<number> {
  const c0 = process.cpuUsage();
  await work();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * Sends `rounds` progress reports for every play (steady playback, no seeks); returns the CPU
 * the emulator spent building and sending them (measured around the synchronous sends only:
 * the listener receives between batches, outside those windows).
 */
async function progressRounds(plays: LivePlay[], rounds: number): Promise<number> {
  let sendingMs = 0;
  for (let r = 1; r <= rounds; r++) {
    const c0 = process.cpuUsage();
    for (const p of plays) await p.playing(p.at(5 + (r * 80) / rounds)); // no pace: only microtasks, no I/O
    const c = process.cpuUsage(c0);
    sendingMs += (c.user + c.system) / 1000;
    if (r % 4 === 0) await sleep(0); // let the socket drain, as seconds between real reports would
  }
  return sendingMs;
}

export async function run(): Promise<void> {
  const lib = generateLibrary({ seed: 77, movies: STOPS + SESSIONS + 20, shows: 2, episodesPerShow: [2, 2], otherAccounts: 1, now: Math.floor(Date.now() / 1000) });
  const plex: PlexFakes = await startPlexFakes({ library: lib });
  const trakt = await startTraktFake({ rateLimits: false, users: [{ username: lib.owner.traktUsername, name: 'Owner' }] });
  seedTraktFromLibrary(trakt, lib);
  const movies = lib.movies.filter((m) => m.traktId !== null && m.sectionIds.length === 1 && !m.editions?.length && !m.key.startsWith('edge'));

  const ports = testPorts(trakt, { serverUuid: plex.pms.machineIdentifier, ownerUsername: null, accounts: new Map([[1, lib.owner.traktUsername]]), defaultAccount: 1 });
  const service = await startService(loadConfig({ ...loopbackServiceEnv('bench-live-admin-password'), ...plexPresetEnv(plex), LOG_LEVEL: 'warn' }), {
    logSink: new LogCapture(),
    scrobble: { ports },
  });
  try {
    const listener = service.deps.plexLive!;
    await until(() => listener.status().connection.state === 'listening' && plex.pms.notifications.connected === 1, 'the listener');
    const base = plex.pms.notifications.playNotifications; // what the bare socket got before
    const handled = () => listener.status().notifications >= plex.pms.notifications.playNotifications - base;
    const idle = () => (service.deps.webhookQueue as unknown as { idle(): Promise<void> }).idle();

    // CPU per notification at 50 concurrent sessions.
    const plays = movies.slice(0, SESSIONS).map((m) => plex.pms.livePlay(m.key, { noise: false }));
    for (const p of plays) await p.start(0);
    await until(handled, 'the starts to be handled');
    await listener.settled();
    await idle();
    await progressRounds(plays, 20); // warm-up (JIT), not measured
    await until(handled, 'the warm-up reports to be handled');
    const sentBefore = plex.pms.notifications.playNotifications;
    const storedBefore = listener.status().eventsStored;
    let sendingMs = 0;
    const totalMs = await cpuOf(async () => {
      sendingMs = await progressRounds(plays, ROUNDS);
      await until(handled, 'every progress report to be handled', 120_000);
      await listener.settled();
    });
    const n = plex.pms.notifications.playNotifications - sentBefore;
    console.log(
      `CPU per notification, ${SESSIONS} concurrent sessions, ${n} progress reports: ${(((totalMs - sendingMs) * 1000) / n).toFixed(1)} µs for the listener ` +
        `(${((totalMs * 1000) / n).toFixed(1)} µs in all, minus ${((sendingMs * 1000) / n).toFixed(1)} µs for the emulator building and sending); ` +
        `${listener.status().eventsStored - storedBefore} events stored by progress reports (Trakt not flooded)`,
    );
    for (const p of plays) await p.stop(p.at(50));
    await until(handled, 'the stops');
    await listener.settled();
    await idle();

    // Stop notification → Trakt call.
    const log = trakt.server.requests;
    let arrived: ((t: number) => void) | undefined;
    const push = log.push.bind(log);
    log.push = (...entries) => {
      for (const e of entries) if (e.method === 'POST' && e.path === '/scrobble/stop') arrived?.(performance.now());
      return push(...entries);
    };
    const delays: number[] = [];
    for (const m of movies.slice(SESSIONS, SESSIONS + STOPS)) {
      const play = plex.pms.livePlay(m.key);
      const starts = log.filter((r) => r.path === '/scrobble/start').length;
      await play.start(0);
      await play.playing(play.at(95));
      await until(() => log.filter((r) => r.path === '/scrobble/start').length > starts, 'the start to reach Trakt');
      await idle();
      const got = new Promise<number>((resolve) => (arrived = resolve));
      const t0 = performance.now();
      await play.stop(play.at(97));
      const t1 = await Promise.race([got, sleep(10_000).then(() => NaN)]);
      if (Number.isFinite(t1)) delays.push(t1 - t0);
      await sleep(20);
    }
    console.log(
      `stop notification → Trakt /scrobble/stop (emulator answering at once, ${delays.length}/${STOPS} stops one at a time): ` +
        `median ${pct(delays, 50).toFixed(1)} ms, p99 ${pct(delays, 99).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms (goal: median < 100 ms, p99 < 300 ms)`,
    );
  } finally {
    await service.close();
    await Promise.allSettled([plex.stop(), trakt.stop()]);
  }
}
