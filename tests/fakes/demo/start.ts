/**
 * Demo mode: the real service against the Trakt, Plex and TMDB emulators on loopback, with a
 * generated library of a few hundred items, already connected to Trakt (the library owner's
 * account) and to the emulated Plex server. Everything lives in a temporary data directory.
 * `npm run demo` (../demo.ts) prints the URL and login; the browser test drives the same world.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/env.js';
import type { Writable } from 'node:stream';
import { startService, type ServiceHandle } from '../../../src/main.js';
import { describeLibrary, generateLibrary, type Library } from '../library/index.js';
import { OWNER_ID, OWNER_PLEX_TV_ID, startPlexFakes, type PlexFakes } from '../plex/index.js';
import { seedTmdbFromLibrary, startTmdbFake, type TmdbFake } from '../tmdb/index.js';
import { seedTraktFromLibrary, startTraktFake, type TraktFake } from '../trakt/index.js';
import { connectTraktAccount, preconnectTrakt } from '../../helpers/trakt-connected.js';
import { upsertPlexAccount } from '../../../src/db/repos/plex.js';
import { startViewer, type Viewer, type ViewerSends } from './viewer.js';
import { seedHousehold, type PersonSeed } from './household.js';
import { startNotifyReceiver, type NotifyReceiver } from '../notify/receiver.js';
import { plexPresetEnv, plexTvEnv, tmdbEnv, traktEnv } from '../../helpers/emulator-env.js';

export interface DemoOptions {
  /** Port of the service; 0 = any free one. If the port is taken, a free one is used instead. */
  port?: number;
  /** Admin password; generated when not given. */
  password?: string;
  /** Library seed (the same seed gives the same titles and states). */
  seed?: number;
  movies?: number;
  shows?: number;
  /** Seconds between the simulated viewer's plays (0 = no viewer). */
  viewerEverySec?: number;
  /** How the viewer's plays reach the service (default 'both': webhooks and the live listener). */
  viewerSends?: ViewerSends;
  /** Keep the data directory after stop (default: removed). */
  keepData?: boolean;
  logLevel?: string;
  /** Where the service's log lines go (default: standard output). */
  logSink?: Writable;
}

export interface Demo {
  url: string;
  password: string;
  dataDir: string;
  webhookUrl: string;
  viewerSends: ViewerSends;
  library: Library;
  service: ServiceHandle;
  trakt: TraktFake;
  plex: PlexFakes;
  tmdb: TmdbFake;
  /** Plays ntfy, Discord and a JSON webhook: what the service notifies shows up on its page. */
  notify: NotifyReceiver;
  viewer?: Viewer;
  /** What the kid and the friend watched in Plex and have on their own Trakt accounts before any sync. */
  householdSeed: PersonSeed[];
  stop(): Promise<void>;
}

function generatedPassword(): string {
  return `demo-${crypto.randomBytes(6).toString('hex')}`;
}

function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const now = Math.floor(Date.now() / 1000);
  const library = generateLibrary({
    seed: opts.seed ?? 2026,
    movies: opts.movies ?? 180,
    shows: opts.shows ?? 12,
    episodesPerShow: [6, 14],
    otherAccounts: 1,
    now,
  });
  const password = opts.password ?? generatedPassword();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pts-demo-'));

  // Real Trakt limits (1 write a second, 1,000 GETs in 5 minutes): the demo shows the real pacing.
  const trakt = await startTraktFake({
    users: [
      { username: library.owner.traktUsername, name: 'Demo Viewer' },
      { username: DEMO_HOUSEHOLD.kid.traktUsername, name: 'Kid' },
      { username: DEMO_HOUSEHOLD.friend.traktUsername, name: 'Friend' },
    ],
  });
  seedTraktFromLibrary(trakt, library);
  seedHouseholdHistory(trakt, library, now * 1000);
  const plex = await startPlexFakes({ library, tokenSeed: 'demo' });
  // The household: a Plex Home user with a PIN and a friend the server is shared with.
  plex.accounts.upsert({ id: DEMO_HOUSEHOLD.kid.plexAccountId, username: DEMO_HOUSEHOLD.kid.plexUsername, kind: 'home', pin: DEMO_HOUSEHOLD.kid.pin });
  plex.accounts.upsert({ id: DEMO_HOUSEHOLD.friend.plexAccountId, username: DEMO_HOUSEHOLD.friend.plexUsername, kind: 'friend' });
  const tmdb = await startTmdbFake();
  seedTmdbFromLibrary(tmdb, library);
  const notify = await startNotifyReceiver();
  const targets = notify.urls('demo-topic-0000');

  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(opts.port ?? 0),
    ADMIN_PASSWORD: password,
    LOG_LEVEL: opts.logLevel ?? 'info',
    OPEN_BROWSER: 'false',
    ...traktEnv(trakt),
    ...plexPresetEnv(plex),
    ...plexTvEnv(plex),
    ...tmdbEnv(tmdb),
    // Every event (successes too) to the receiver, so a newcomer sees what a user would get.
    NOTIFY_URLS: `${targets.ntfy}?events=sync.succeeded,sync.failed,sync.partial,scrobble.failed,trakt.auth_lost,trakt.locked,plex.unreachable,plex.recovered ${targets.discord} ${targets.json}`,
    SYNC_PING_URL: `${notify.url}/ping/demo-check`,
  };
  const startOpts = { ...(opts.logSink ? { logSink: opts.logSink } : {}), tune: { notify: { discordApiUrl: notify.discordApiUrl } } };

  const stopFakes = async () => {
    await Promise.allSettled([trakt.stop(), plex.stop(), tmdb.stop(), notify.stop()]);
  };
  const removeData = () => {
    if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  let service: ServiceHandle;
  try {
    // Connected to Trakt before the service starts, as after a device-code login.
    await preconnectTrakt(env, trakt, library.owner.traktUsername, { name: 'Demo Viewer', logSink: opts.logSink });
    try {
      service = await startService(loadConfig(env), startOpts);
    } catch (err) {
      if (!isAddressInUse(err) || env.PORT === '0') throw err;
      service = await startService(loadConfig({ ...env, PORT: '0' }), startOpts);
    }
  } catch (err) {
    await stopFakes();
    removeData();
    throw err;
  }

  await setUpHousehold(service, plex, trakt);
  // Each person's own watched state (Plex per account, their own Trakt account): a sync fills each.
  const householdSeed = seedHousehold(library, plex, trakt, [DEMO_HOUSEHOLD.kid, DEMO_HOUSEHOLD.friend]);
  const webhookUrl = `${service.url}/webhooks/plex/${service.deps.secrets.webhookSecret()}`;
  // The emulated server posts its webhooks to the service, as a real Plex server would.
  plex.pms.webhookUrls.push(webhookUrl);
  // Sessions move on while playing (a minute of film a second), and each viewing lasts about
  // half a minute, so the dashboard's "Now playing" shows the viewer and its progress bar moves.
  plex.pms.sessions.playbackRate = 60;
  const everySec = opts.viewerEverySec ?? 45;
  const sends = opts.viewerSends ?? 'both';
  // With 'live' no webhook is registered: the listener alone does the work, as without Plex Pass.
  if (sends === 'live') plex.pms.webhookUrls.length = 0;
  const household = [OWNER_ID, DEMO_HOUSEHOLD.kid.plexAccountId, DEMO_HOUSEHOLD.friend.plexAccountId];
  const viewer = everySec > 0 ? startViewer({ pms: plex.pms, library, everyMs: everySec * 1000, stepMs: 6000, sends, accounts: household }) : undefined;

  let stopped = false;
  return {
    url: service.url,
    password,
    dataDir,
    webhookUrl,
    viewerSends: sends,
    library,
    service,
    trakt,
    plex,
    tmdb,
    notify,
    viewer,
    householdSeed,
    async stop() {
      if (stopped) return;
      stopped = true;
      await viewer?.stop();
      await service.close();
      await stopFakes();
      removeData();
    },
  };
}

/**
 * The demo's household: the owner (signed in to plex.tv, as after "Sign in with Plex"), a
 * Home user with a PIN and no Trakt account yet (connect one from their row in Settings →
 * People; their PIN is in the banner), and a friend whose Trakt account is already connected.
 */
export const DEMO_HOUSEHOLD = {
  kid: { plexAccountId: 5001, plexUsername: 'kid', traktUsername: 'demo-kid', pin: '1234' },
  friend: { plexAccountId: 6001, plexUsername: 'friend', traktUsername: 'demo-friend' },
} as const;

async function setUpHousehold(service: ServiceHandle, plex: PlexFakes, trakt: TraktFake): Promise<void> {
  const { db, cipher, people } = service.deps;
  await upsertPlexAccount(db, { plexUserId: OWNER_PLEX_TV_ID, username: plex.accounts.owner.username, sealedToken: cipher.encrypt(plex.accounts.owner.userToken), isOwner: true });
  await people.refresh({ force: true });
  const friend = await connectTraktAccount(service.deps, trakt, DEMO_HOUSEHOLD.friend.traktUsername, 'Friend');
  await people.assignTrakt(DEMO_HOUSEHOLD.friend.plexAccountId, friend.id, null);
}

/**
 * Some history on the kid's and the friend's Trakt accounts, so the History page's person
 * picker shows something for each (the kid's once their Trakt account is connected from their
 * row): episodes of shows the owner watches too, a few rewatched. Episodes only: the household's
 * movies are left to what a sync and the tests put there (they count each person's movies).
 */
function seedHouseholdHistory(trakt: TraktFake, library: Library, nowMs: number): void {
  const DAY = 86_400_000;
  const episodes = library.shows.flatMap((s) => s.episodes).filter((e) => e.traktId !== null && e.trakt.plays.length > 0);
  if (episodes.length === 0) return;
  const plan: Array<[string, number, number]> = [
    [DEMO_HOUSEHOLD.kid.traktUsername, 1, 24],
    [DEMO_HOUSEHOLD.friend.traktUsername, 2, 40],
  ];
  for (const [username, offset, count] of plan) {
    for (let n = 0; n < count; n++) {
      const episode = episodes[(n * 3 + offset) % episodes.length]!;
      // Evenings over the last year, newest first, at other hours than the owner's.
      const at = new Date(nowMs - (n * 9 + offset) * DAY - (n % 4) * 3_600_000 - 2 * 3_600_000).toISOString();
      trakt.addPlay(username, { type: 'episode', trakt: episode.traktId! }, at, n % 2 ? 'scrobble' : 'watch');
    }
  }
}

/** One paragraph about the generated library, for the banner. */
export function librarySummaryLine(library: Library): string {
  const d = describeLibrary(library);
  return `${d.movies.total} movies and ${d.shows} shows (${d.episodes.total} episodes) on "${library.serverName}"`;
}
