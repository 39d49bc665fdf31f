/**
 * The command line: `plex-trakt-sync serve | status | login trakt | login plex | sync`.
 * `serve` logs JSON lines to stdout; every other command logs to stderr and prints
 * its result on stdout.
 */
import { spawn } from 'node:child_process';
import dotenv from 'dotenv';
import { ConfigError, loadConfig, shouldOpenBrowser, type Config } from './config/env.js';
import { createContext } from './context.js';
import { startService } from './main.js';
import { collectStatus } from './web/status.js';
import { traktLoginCommand } from './cli/login-trakt.js';
import { plexLoginCommand } from './cli/login-plex.js';
import { syncCommand } from './cli/sync.js';
import { backupCommand, restoreCommand } from './cli/backup.js';
import { undoCommand } from './cli/undo.js';

const USAGE = `Usage: plex-trakt-sync <command>

Commands:
  serve     run the service and its dashboard (what npm start runs)
  status    print connections, queue depth and recent runs as JSON
  sync [--dry-run] [--full] [--yes] [--person NAME|ID]   one reconciliation run (progress on stderr, JSON summary on stdout);
            --yes approves a run the guard would hold (exit 3 when held); --person: only that person of the household
  undo <runId>    undo a run: its plays removed from Trakt, its marks and ratings taken back (JSON like sync)
  backup [FILE]   an online copy of the database (default: DATA_DIR/backups); secret.key is not in it
  restore FILE    replace the database with a backup (stop the server first; the copy is checked first)
  login trakt [--person <plex account>]   connect a Trakt account by device code (code and URL on stderr);
                --person: that household member's own Trakt account (name or id as Settings → People shows)
  login plex [--server <name>]   sign in to Plex by PIN (URL on stderr) and pick the server
`;

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no browser on a headless box: fine
    child.unref();
  } catch {
    /* ignore */
  }
}

async function serveCommand(config: Config): Promise<void> {
  // Signals are caught before start-up finishes, so a stop during start-up is still graceful.
  let handle: Awaited<ReturnType<typeof startService>> | undefined;
  let requested: string | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    requested = signal;
    if (!handle || stopping) return;
    stopping = true;
    handle.deps.log.info({ component: 'server', signal }, 'shutting down');
    const hard = setTimeout(() => process.exit(1), 8000);
    hard.unref();
    void handle.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  handle = await startService(config, { prettyLogs: !!process.stdout.isTTY });
  if (requested) return stop(requested);
  if (shouldOpenBrowser(config)) openInBrowser(handle.url);
}

async function statusCommand(config: Config): Promise<void> {
  const ctx = await createContext(config, { logFd: 2 });
  try {
    process.stdout.write(JSON.stringify(await collectStatus(ctx.deps)) + '\n');
  } finally {
    await ctx.close();
  }
}

export async function runCli(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  const [command] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 1;
  }
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      // `sync` keeps its promise of one JSON line on stdout, even before it can start.
      if (command === 'sync' || command === 'undo') process.stdout.write(JSON.stringify({ status: 'error', error: err.message }) + '\n');
      return 1;
    }
    throw err;
  }
  try {
    switch (command) {
      case 'serve':
        await serveCommand(config);
        return -1; // keeps running
      case 'status':
        await statusCommand(config);
        return 0;
      case 'sync':
        return await syncCommand(config, argv.slice(1));
      case 'undo':
        return await undoCommand(config, argv.slice(1));
      case 'backup':
        return await backupCommand(config, argv.slice(1));
      case 'restore':
        return await restoreCommand(config, argv.slice(1));
      case 'login': {
        const target = argv[1];
        if (target === 'trakt') return await traktLoginCommand(config, undefined, argv.slice(2));
        if (target === 'plex') return await plexLoginCommand(config, argv.slice(2));
        process.stderr.write(`Usage: plex-trakt-sync login trakt|plex${target ? ` (unknown target "${target}")` : ''}\n`);
        return 1;
      }
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
        return 1;
    }
  } catch (err) {
    process.stderr.write(`plex-trakt-sync ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  void runCli(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exit(code);
  });
}
