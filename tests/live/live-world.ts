/**
 * The world of the live-session tests: the real service (production wiring) with PLEX_URL on
 * the Plex emulator, whose notifications socket the listener opens, and a Trakt account
 * connected on the Trakt emulator. No webhook URL is registered unless a test adds one, so
 * the listener alone does the work. Short backoff and sweep so a test sees reconnects in time.
 */
import { loadConfig } from '../../src/config/env.js';
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import type { LiveListenerOptions } from '../../src/plex-live/listener.js';
import { isEdgeKey, type LibEpisode, type LibMovie, type Library } from '../fakes/library/index.js';
import type { PlexFakes } from '../fakes/plex/index.js';
import type { TraktFake } from '../fakes/trakt/index.js';
import { LogCapture } from '../helpers/context.js';
import { startRealPortsWorld } from '../helpers/real-ports-world.js';

export interface LiveWorld {
  lib: Library;
  owner: string;
  plex: PlexFakes;
  trakt: TraktFake;
  service: ServiceHandle;
  logs: LogCapture;
  env: Record<string, string>;
  close(): Promise<void>;
}

export const FAST_LIVE: LiveListenerOptions = {
  connection: { initialBackoffMs: 50, maxBackoffMs: 400, pingEveryMs: 1_000, pongTimeoutMs: 1_000, targetCheckMs: 500 },
  sweepEveryMs: 100,
  silentAfterMs: 300,
};

export async function startLiveWorld(password: string, env: Record<string, string> = {}, live: LiveListenerOptions = FAST_LIVE): Promise<LiveWorld> {
  const w = await startRealPortsWorld({ seed: 1515, movies: 40, shows: 16, episodesPerShow: [3, 5] }, password);
  const logs = new LogCapture();
  const allEnv = { ...w.env, ...env };
  // Trakt writes 100 ms apart, not 1.1 s: the emulator's limits are off, and the tests count plays, not their
  // spacing (tests/unit/trakt-client.test.ts checks that); each test's start/pause/stop waited ~1 s per write.
  const service = await startService(loadConfig(allEnv), { logSink: logs, tune: { live, trakt: { budgets: { writeIntervalMs: 100 } } } });
  // Time passes between a player's reports: each live step waits until the listener has handled what was sent.
  w.plex.pms.livePace = async () => {
    const listener = service.deps.plexLive;
    if (!listener) return;
    const end = Date.now() + 5_000;
    while (listener.status().notifications < w.plex.pms.notifications.playNotifications && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await listener.settled();
  };
  return {
    ...w,
    env: allEnv,
    service,
    logs,
    async close() {
      await service.close();
      await Promise.allSettled([w.plex.stop(), w.trakt.stop()]);
    },
  };
}

export async function until<T>(get: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(v)?.slice(0, 600)})`);
    await new Promise((r) => setTimeout(r, 25));
    v = await get();
  }
  return v;
}

/** Every event (both sources) about one item, oldest first. */
export function eventsOf(w: LiveWorld, ratingKey: string): Promise<WebhookEventRow[]> {
  return w.service.deps.db.selectFrom('webhook_events').selectAll().where('rating_key', '=', ratingKey).orderBy('id').execute();
}

/** Waits until `n` events about the item exist and none is pending. */
export function settledEvents(w: LiveWorld, ratingKey: string, n: number, timeoutMs?: number): Promise<WebhookEventRow[]> {
  return until(() => eventsOf(w, ratingKey), (rows) => rows.length >= n && rows.every((r) => r.status !== 'pending'), `${n} settled events for item ${ratingKey}`, timeoutMs);
}

export async function listening(w: LiveWorld): Promise<void> {
  await until(() => w.service.deps.plexLive?.status().connection.state, (s) => s === 'listening', 'the live listener to be listening');
  await until(() => w.plex.pms.notifications.connected, (n) => n >= 1, 'the emulator to see the socket');
}

/** Picks items nobody watched on Trakt, known to Trakt, modern agent, one section; never the same twice. */
export function picker(lib: Library) {
  const used = new Set<string>();
  return {
    movie(): LibMovie {
      const m = lib.movies.find((x) => !used.has(x.key) && !isEdgeKey(x.key) && x.agent === 'modern' && x.traktId !== null && x.sectionIds.length === 1 && !x.editions?.length && x.trakt.plays.length === 0 && x.plex.viewCount === 0);
      if (!m) throw new Error('no plain movie left');
      used.add(m.key);
      return m;
    },
    episode(): LibEpisode {
      for (const s of lib.shows) {
        if (isEdgeKey(s.key) || s.agent !== 'modern' || s.traktId === null) continue;
        const e = s.episodes.find((x) => !used.has(x.key) && x.traktId !== null && !x.extraEpisodesInFile && x.traktSeason === undefined && x.trakt.plays.length === 0 && x.plex.viewCount === 0);
        if (e) {
          used.add(e.key);
          return e;
        }
      }
      throw new Error('no plain episode left');
    },
  };
}
