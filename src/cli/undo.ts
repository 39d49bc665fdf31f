/**
 * `plex-trakt-sync undo <runId>`: like `sync`, one JSON line on stdout (the undo run's
 * summary) and progress on stderr; the undo happens in the running server when one is up
 * (it spends Trakt's budgets), else here. Exit 0 undone, 2 partly (undo again), 1 otherwise
 * (with a sentence: a dry run, nothing left to undo, a run going).
 */
import type { Config } from '../config/env.js';
import { createContext } from '../context.js';
import { askRunningServer, finished, outcome, progressPrinter, type CliIo, type SyncCommandOptions } from './sync.js';
import { SyncBusyError } from '../sync/run.js';
import { runJson } from '../sync/run-json.js';
import { UndoRefusedError } from '../undo/run-undo.js';

const stdio: CliIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

export async function undoCommand(config: Config, args: string[], io: CliIo = stdio, opts: SyncCommandOptions = {}): Promise<number> {
  if (args.length !== 1 || !/^\d+$/.test(args[0]!)) return outcome(io, { status: 'error', error: 'Usage: plex-trakt-sync undo <runId> (the number on the run\'s page)' });
  const runId = Number(args[0]);
  let ctx: Awaited<ReturnType<typeof createContext>> | undefined;
  try {
    ctx = await createContext(config, { logFd: 2, tune: opts.ports ? { sync: { ports: opts.ports, runner: {} } } : undefined });
    const viaServer = await askRunningServer(ctx, `/api/v1/runs/${runId}/undo?trigger=cli`, {}, io, opts, 'undoing');
    if (viaServer !== undefined) return viaServer;
    let started;
    try {
      started = await ctx.deps.sync.undo({ kind: 'run', id: runId }, 'cli');
    } catch (err) {
      if (err instanceof SyncBusyError) return outcome(io, { status: 'busy', error: err.message });
      if (err instanceof UndoRefusedError) return outcome(io, { status: 'error', error: err.message });
      throw err;
    }
    const print = progressPrinter(io);
    const db = ctx.deps.db;
    const timer = setInterval(() => void db.selectFrom('sync_runs').selectAll().where('id', '=', started.runId).executeTakeFirst().then((r) => r && print(runJson(r))), 500);
    const row = await started.done.finally(() => clearInterval(timer));
    return finished(io, runJson(row));
  } catch (err) {
    return outcome(io, { status: 'error', error: `The undo could not run: ${err instanceof Error ? err.message : String(err)}` });
  } finally {
    await ctx?.close();
  }
}
