/**
 * The soak: the real service (`serve` in a child process) against the Trakt and Plex
 * emulators seeded from one generated library. For `durationMs` it receives webhooks at a
 * steady rate (one in eight a scrobble of a fresh movie, the rest events it stores and
 * ignores), starts a sync every few seconds (409 while one runs), and reads the History
 * page, the dashboard and the events page. Then it waits for the queue to drain and counts:
 * webhooks sent and processed, duplicates (items with two plays), losses (acknowledged
 * webhooks not processed, or scrobbles without their play), 5xx answers, RSS at start and end.
 */
import { loadConfig } from '../../src/config/env.js';
import { startService } from '../../src/main.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, seedTraktFromLibrary, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { FormClient } from '../helpers/browser-client.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { LogCapture, tempDir } from '../helpers/context.js';
import { modernMovie, track } from '../fixtures/webhooks/payloads.js';
import { postMultipart, webhookUrl } from '../fixtures/webhooks/send.js';
import { buildLibrary } from '../sync/sync-library.js';
import fs from 'node:fs';
import { connectTraktAccount } from '../helpers/trakt-connected.js';

const SECRET = 'soak-webhook-secret-000000';
const API_KEY = 'soak-api-key-0123456789abcdef';
const PASSWORD = 'soak admin password';

export interface SoakOptions {
  durationMs: number;
  webhooksPerSecond: number;
  /** Movies in the generated library (the scrobbles need one fresh movie each). */
  movies: number;
  shows: number;
  episodesPerShow: number;
  syncEveryMs: number;
  readEveryMs: number;
  log?: (line: string) => void;
}

export interface SoakFigures {
  durationMs: number;
  webhooksSent: number;
  webhooksAcknowledged: number;
  webhooksRefused: number;
  processed: number;
  scrobblesAcknowledged: number;
  plays: number;
  /** Plays the end state should have: the sync's (watched in Plex) plus one per acknowledged scrobble. */
  expectedPlays: number;
  duplicates: number;
  losses: number;
  http5xx: number;
  pageReads: number;
  pageReadMaxMs: number;
  syncRunsStarted: number;
  syncRunsFinished: Record<string, number>;
  queueDepthEnd: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  drainMs: number;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(o: SoakOptions): Promise<SoakFigures> {
  const log = o.log ?? (() => undefined);
  const lib = buildLibrary({ movies: o.movies, shows: o.shows, episodesPerShow: o.episodesPerShow, seasons: 2 });
  // The first third of the movies and every other episode are watched in Plex: the sync sends them.
  const watchedAt = Math.floor(Date.now() / 1000) - 30 * 86400;
  const third = Math.floor(o.movies / 3);
  lib.movies.slice(0, third).forEach((m, i) => (m.plex = { viewCount: 1, lastViewedAt: watchedAt + i * 60 }));
  lib.shows.forEach((s) => s.episodes.forEach((e, i) => i % 2 === 0 && (e.plex = { viewCount: 1, lastViewedAt: watchedAt + i * 60 })));
  const scrobbleMovies = lib.movies.slice(third); // never watched in Plex: each webhook scrobble is their only play

  const trakt: TraktFake = await startTraktFake({ rateLimits: false });
  seedTraktFromLibrary(trakt, lib);
  const plex: PlexFakes = await startPlexFakes({ library: lib });
  const dataDir = tempDir('pts-soak-');
  const env = {
    DATA_DIR: dataDir,
    WEBHOOK_SECRET: SECRET,
    API_KEY,
    ADMIN_PASSWORD: PASSWORD,
    TRAKT_API_URL: trakt.url,
    TRAKT_OAUTH_URL: trakt.url,
    TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID,
    TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    PLEX_URL: plex.pmsUrl,
    PLEX_TOKEN: plex.pms.tokenFor(),
    LOG_LEVEL: 'info',
  };
  // Connect the Trakt account first (as a login would).
  {
    const s = await startService(loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' }), { logSink: new LogCapture() });
    await connectTraktAccount(s.deps, trakt, lib.owner.traktUsername);
    await s.close();
  }

  let child: ChildService | undefined;
  try {
    child = await startChildService(env);
    const svc = child;
    const pid = svc.proc.pid!;
    const hook = webhookUrl(svc.url, SECRET);
    const client = new FormClient({ request: (u, init) => fetch(u, init) }, svc.url);
    await client.get('/login');
    if ((await client.post('/login', { password: PASSWORD })).status !== 302) throw new Error('soak: could not sign in');
    const api = (path: string, init: RequestInit = {}) => fetch(`${svc.url}${path}`, { ...init, headers: { 'x-api-key': API_KEY, ...(init.headers ?? {}) } });

    const f: SoakFigures = {
      durationMs: o.durationMs,
      webhooksSent: 0,
      webhooksAcknowledged: 0,
      webhooksRefused: 0,
      processed: 0,
      scrobblesAcknowledged: 0,
      plays: 0,
      expectedPlays: 0,
      duplicates: 0,
      losses: 0,
      http5xx: 0,
      pageReads: 0,
      pageReadMaxMs: 0,
      syncRunsStarted: 0,
      syncRunsFinished: {},
      queueDepthEnd: -1,
      rssStartMb: 0,
      rssPeakMb: 0,
      rssEndMb: 0,
      drainMs: 0,
    };
    const acked: Array<{ id: number; movieTrakt?: number }> = [];
    const note5xx = (what: string, status: number) => {
      if (status >= 500) {
        f.http5xx++;
        log(`5xx: ${what} answered ${status}`);
      }
    };

    const started = Date.now();
    const stopAt = started + o.durationMs;
    let rssSampledAt = 0;
    let nextMovie = 0;
    const inFlight = new Set<Promise<void>>();

    // Webhooks at a steady rate (each sent on its own schedule, not waiting for the previous answer).
    const webhooks = (async () => {
      const every = 1000 / o.webhooksPerSecond;
      for (let n = 0; ; n++) {
        const due = started + n * every;
        if (due >= stopAt) break;
        if (due > Date.now()) await sleep(due - Date.now());
        let payload: unknown;
        let movieTrakt: number | undefined;
        const common = { serverUuid: lib.machineIdentifier, sectionId: 1 };
        if (n % 8 === 0 && nextMovie < scrobbleMovies.length) {
          const m = scrobbleMovies[nextMovie++]!;
          movieTrakt = m.traktId!;
          payload = modernMovie({ ...common, event: 'media.scrobble', ratingKey: `soak-${m.key}`, imdb: m.ids.imdb, tmdb: m.ids.tmdb, title: m.title, year: m.year });
        } else if (n % 2 === 0) {
          payload = track({ ...common, event: 'media.play', ratingKey: `track-${n}` });
        } else {
          payload = modernMovie({ ...common, event: 'media.scrobble', accountId: 50 + (n % 5), accountTitle: `guest-${n % 5}`, ratingKey: `guest-${n}` });
        }
        f.webhooksSent++;
        const p = (async () => {
          try {
            const res = await postMultipart(hook, payload);
            note5xx('webhook', res.status);
            if (res.status === 200) {
              const { id } = (await res.json()) as { id: number };
              acked.push({ id, movieTrakt });
              f.webhooksAcknowledged++;
              if (movieTrakt) f.scrobblesAcknowledged++;
            } else {
              f.webhooksRefused++;
              await res.arrayBuffer();
            }
          } catch (err) {
            f.webhooksRefused++;
            log(`webhook not answered: ${(err as Error).message}`);
          }
        })();
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    })();

    // Syncs: one every syncEveryMs (409 while one runs is expected).
    const runIds: number[] = [];
    const syncs = (async () => {
      while (Date.now() < stopAt) {
        const res = await api('/api/v1/sync', { method: 'POST' });
        note5xx('POST /api/v1/sync', res.status);
        if (res.status === 202) {
          runIds.push(((await res.json()) as { runId: number }).runId);
          f.syncRunsStarted++;
        } else await res.arrayBuffer();
        await sleep(Math.min(o.syncEveryMs, Math.max(0, stopAt - Date.now())));
      }
    })();

    // Readers: the History page, the dashboard, the events page, the status.
    const reads = (async () => {
      const pages = ['/history', '/', '/events', '/history?page=2'];
      for (let k = 0; Date.now() < stopAt; k++) {
        const page = pages[k % pages.length]!;
        const t0 = Date.now();
        const res = await client.get(page);
        await res.arrayBuffer();
        const ms = Date.now() - t0;
        f.pageReads++;
        f.pageReadMaxMs = Math.max(f.pageReadMaxMs, ms);
        note5xx(`GET ${page}`, res.status);
        if (res.status !== 200) log(`GET ${page} answered ${res.status}`);
        const st = await api('/api/v1/status');
        note5xx('GET /api/v1/status', st.status);
        await st.arrayBuffer();
        if (Date.now() - rssSampledAt > 1000) {
          rssSampledAt = Date.now();
          const rss = rssMb(pid);
          // "Start" is after a short warm-up (modules loaded, first pages rendered).
          if (!f.rssStartMb && Date.now() - started > Math.min(10_000, o.durationMs / 6)) f.rssStartMb = rss;
          f.rssPeakMb = Math.max(f.rssPeakMb, rss);
        }
        await sleep(o.readEveryMs);
      }
    })();

    let lastReport = Date.now();
    const reporter = setInterval(() => {
      if (Date.now() - lastReport < 30_000) return;
      lastReport = Date.now();
      log(`soak: ${Math.round((Date.now() - started) / 1000)} s, ${f.webhooksAcknowledged} webhooks acknowledged, ${f.syncRunsStarted} syncs, ${f.pageReads} page reads, RSS ${rssMb(pid)} MB`);
    }, 1000);
    await Promise.all([webhooks, syncs, reads]);
    await Promise.all([...inFlight]);
    clearInterval(reporter);

    // Drain: no pending event, no running sync.
    const drainStart = Date.now();
    const drainLimit = drainStart + Math.max(60_000, f.scrobblesAcknowledged * 1500);
    type Ev = { id: number; status: string; reason: string | null };
    const allEvents = async (): Promise<Ev[]> => {
      const out: Ev[] = [];
      let url: string | null = '/api/v1/events?limit=500';
      for (let page = 0; url && page < 1000; page++) {
        const res = await api(url);
        const body = (await res.json()) as { events: Ev[]; next: string | null };
        out.push(...body.events);
        url = body.next;
      }
      return out;
    };
    let events = await allEvents();
    let status = (await (await api('/api/v1/status')).json()) as { webhooks: { queueDepth: number }; sync?: { running: boolean } };
    while ((events.some((e) => e.status === 'pending') || status.webhooks.queueDepth > 0 || status.sync?.running) && Date.now() < drainLimit) {
      await sleep(500);
      events = await allEvents();
      status = (await (await api('/api/v1/status')).json()) as typeof status;
    }
    f.drainMs = Date.now() - drainStart;
    f.queueDepthEnd = status.webhooks.queueDepth;
    f.rssEndMb = rssMb(pid);
    f.rssPeakMb = Math.max(f.rssPeakMb, f.rssEndMb);
    if (!f.rssStartMb) f.rssStartMb = f.rssEndMb;

    for (const id of runIds) {
      const r = (await (await api(`/api/v1/runs/${id}`)).json()) as { status: string };
      f.syncRunsFinished[r.status] = (f.syncRunsFinished[r.status] ?? 0) + 1;
    }

    // Exactly once: every acknowledged webhook stored and decided; each scrobble sent with one play.
    const byId = new Map(events.map((e) => [e.id, e]));
    const plays = new Map<number, number>();
    for (const p of trakt.plays(lib.owner.traktUsername)) plays.set(p.trakt, (plays.get(p.trakt) ?? 0) + 1);
    f.plays = [...plays.values()].reduce((a, b) => a + b, 0);
    f.duplicates = [...plays.values()].filter((n) => n > 1).length;
    const watchedInPlex = lib.movies.filter((m) => m.plex.viewCount > 0).length + lib.shows.reduce((n, s) => n + s.episodes.filter((e) => e.plex.viewCount > 0).length, 0);
    f.expectedPlays = f.scrobblesAcknowledged + (f.syncRunsFinished.succeeded ? watchedInPlex : 0);
    for (const a of acked) {
      const e = byId.get(a.id);
      if (!e || e.status === 'pending') {
        f.losses++;
        log(`lost: event ${a.id} ${e ? 'still pending' : 'not stored'}`);
        continue;
      }
      f.processed++;
      if (a.movieTrakt && (e.status !== 'sent' || (plays.get(a.movieTrakt) ?? 0) !== 1)) {
        f.losses++;
        log(`lost: scrobble event ${a.id} is ${e.status} (${e.reason}); plays of ${a.movieTrakt}: ${plays.get(a.movieTrakt) ?? 0}`);
      }
    }
    if (events.length !== acked.length) log(`stored ${events.length} events for ${acked.length} acknowledged webhooks`);
    return f;
  } finally {
    await child?.kill('SIGTERM');
    await plex.stop();
    await trakt.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatFigures(f: SoakFigures): string {
  return [
    `duration            ${Math.round(f.durationMs / 1000)} s (+ ${Math.round(f.drainMs / 1000)} s to drain)`,
    `webhooks sent       ${f.webhooksSent}`,
    `acknowledged (200)  ${f.webhooksAcknowledged} (${f.scrobblesAcknowledged} scrobbles)`,
    `refused/unanswered  ${f.webhooksRefused}`,
    `processed           ${f.processed}`,
    `duplicates          ${f.duplicates}`,
    `losses              ${f.losses}`,
    `5xx                 ${f.http5xx}`,
    `plays on Trakt      ${f.plays} (expected ${f.expectedPlays})`,
    `sync runs           ${f.syncRunsStarted} started: ${JSON.stringify(f.syncRunsFinished)}`,
    `page reads          ${f.pageReads} (slowest ${f.pageReadMaxMs} ms)`,
    `queue depth at end  ${f.queueDepthEnd}`,
    `RSS                 start ${f.rssStartMb} MB, peak ${f.rssPeakMb} MB, end ${f.rssEndMb} MB`,
  ].join('\n');
}
