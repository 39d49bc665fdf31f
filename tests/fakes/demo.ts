/**
 * `npm run demo`: the whole product on loopback against the emulators, already connected,
 * in a temporary data directory (never ./data). Prints the URL and the login; Ctrl-C stops
 * everything and removes the data directory.
 *
 *   npm run demo -- [--port 8080] [--seed 2026] [--movies 180] [--shows 12] [--viewer-every 45] [--viewer-sends both|live|webhooks] [--keep]
 */
import { parseArgs } from 'node:util';
import { DEMO_HOUSEHOLD, librarySummaryLine, startDemo } from './demo/start.js';
import { demoTryLine } from './demo/try.js';

const USAGE = 'usage: npm run demo -- [--port N] [--seed N] [--movies N] [--shows N] [--viewer-every SECONDS (0 = off)] [--viewer-sends both|live|webhooks] [--keep]';
const SENDS = ['both', 'live', 'webhooks'] as const;

function intOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`demo: --${name} must be a whole number from ${min} to ${max} (got "${value}")\n${USAGE}`);
    process.exit(1);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        movies: { type: 'string' },
        shows: { type: 'string' },
        'viewer-every': { type: 'string' },
        'viewer-sends': { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}\n${USAGE}`);
    process.exit(1);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const sends = values['viewer-sends'] ?? 'both';
  if (!(SENDS as readonly string[]).includes(sends)) {
    console.error(`demo: --viewer-sends must be both, live or webhooks (got "${sends}")\n${USAGE}`);
    process.exit(1);
  }
  const demo = await startDemo({
    viewerSends: sends as (typeof SENDS)[number],
    port: intOption('port', values.port ?? (process.env.PORT || undefined), 8080, 0, 65535),
    seed: intOption('seed', values.seed, 2026, 0, 2 ** 31),
    movies: intOption('movies', values.movies, 180, 1, 2000),
    shows: intOption('shows', values.shows, 12, 1, 200),
    viewerEverySec: intOption('viewer-every', values['viewer-every'], 45, 0, 86400),
    keepData: values.keep ?? false,
    password: process.env.ADMIN_PASSWORD || undefined,
  });

  const banner = [
    '',
    '  Plex-Trakt Sync demo: the real service against emulated Plex, Trakt and TMDB',
    '',
    `  Open      ${demo.url}`,
    `  Password  ${demo.password}`,
    '',
    `  Library   ${librarySummaryLine(demo.library)}`,
    `  Trakt     connected as "${demo.library.owner.traktUsername}" (emulator at ${demo.trakt.url}, real rate limits)`,
    `  Plex      ${demo.plex.pmsUrl} (plex.tv emulator at ${demo.plex.tvUrl})`,
    `  Notify    ntfy, Discord and JSON targets played at ${demo.notify.url}/ (open it to read what arrived)`,
    `  People    you, "${DEMO_HOUSEHOLD.kid.plexUsername}" (Plex Home, PIN ${DEMO_HOUSEHOLD.kid.pin}, no Trakt yet: connect "${DEMO_HOUSEHOLD.kid.traktUsername}" from Settings → People)`,
    `            and "${DEMO_HOUSEHOLD.friend.plexUsername}" (a friend, Trakt "${DEMO_HOUSEHOLD.friend.traktUsername}"); each watched other things:`,
    `            a sync runs person by person and fills each one's own Trakt account (see the run's People card)`,
    demo.viewer
      ? `  Viewer    the household takes turns playing an unwatched movie or episode every so often (${demo.viewerSends === 'live' ? 'webhooks off: the live listener alone' : demo.viewerSends === 'both' ? 'webhooks and the live listener: one play each' : 'webhooks only'})`
      : '  Viewer    off',
    `  History   each Trakt account has its own history: pick whose on Trakt history → Whose history (${demo.url}/history)`,
    `  Data      ${demo.dataDir} (${values.keep ? 'kept' : 'removed'} on exit)`,
    '',
    demoTryLine(),
    '  Ctrl-C stops the demo.',
    '',
  ];
  console.log(banner.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n  ${signal}: stopping the demo…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await demo.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`demo: could not start: ${(err as Error).message}`);
  process.exit(1);
});
