/**
 * `plex-trakt-sync sync [--dry-run] [--full] [--yes] [--person NAME|ID]`: one run (`--person`: only that person), progress on stderr, exactly one
 * JSON line on stdout whatever happens, exit 0 when it succeeded, 2 when it was partly
 * written, 1 otherwise. The line is the run's summary (status succeeded/partial/failed),
 * or `{"status":"busy"|"error"|"timeout","error":…}` when no run could be started or
 * followed to its end. When a server is alive on the same database, it asks that server
 * to run it (POST /api/v1/sync) and follows its progress, so one process spends Trakt's
 * budgets; otherwise it runs here.
 */
import type { Config } from '../config/env.js';
import { createContext } from '../context.js';
import type { SyncRunRow } from '../db/tables/sync.js';
import { runJson } from '../sync/run-json.js';
import { SyncBusyError, UnknownPersonError } from '../sync/run.js';
import { liveServer } from '../sync/server-beacon.js';
import type { SyncPorts } from '../sync/ports.js';
import type { SyncPortDeps } from '../sync/wiring.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const stdio: CliIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

type Summary = ReturnType<typeof runJson>;

/** 0 written, 2 partly written, 3 held by the guard (nothing written; `--yes` approves), 1 otherwise. */
const exitCode = (status: string) => (status === 'succeeded' ? 0 : status === 'partial' ? 2 : status === 'awaiting_approval' ? 3 : 1);

/** What stdout carries when there is no run summary to print. */
export type CliOutcome =
  | { status: 'busy'; error: string }
  | { status: 'error'; error: string; httpStatus?: number }
  | { status: 'timeout'; error: string; runId: number };

/** The one stdout line for an exit without a run summary (always exit 1); the sentence also goes to stderr. */
export function outcome(io: CliIo, o: CliOutcome): number {
  io.err(o.error);
  io.out(JSON.stringify(o));
  return 1;
}

/** The one stdout line for a run that finished. */
export function finished(io: CliIo, summary: Summary): number {
  if (summary.error) io.err(summary.error);
  if (summary.status === 'awaiting_approval') {
    io.err(`Approve it with: plex-trakt-sync sync --yes (or on its page, /runs/${summary.id}).`);
    const { status, ...rest } = summary;
    io.out(JSON.stringify({ status, runId: summary.id, ...rest }));
  } else io.out(JSON.stringify(summary));
  return exitCode(summary.status);
}

function progressLine(r: Summary): string {
  const p = r.progress;
  // A run over the household goes person by person: say whose part is going.
  const who = r.people?.find((x) => x.status === 'running');
  return `sync ${r.id}: ${who ? `${who.name} · ` : ''}${r.phase} · scanned ${p.scanned}/${Math.max(p.scanTotal, p.scanned)} · writes ${p.writesDone}/${p.writesPlanned}`;
}

/** Prints a progress line when something visible changed, at most every `everyMs`. */
export function progressPrinter(io: CliIo, everyMs = 1000) {
  let last = '';
  let lastAt = 0;
  let lastPhase = '';
  return (r: Summary) => {
    const line = progressLine(r);
    const now = Date.now();
    if (line !== last && (r.phase !== lastPhase || now - lastAt >= everyMs)) {
      io.err(line);
      last = line;
      lastAt = now;
      lastPhase = r.phase;
    }
  };
}

export interface SyncCommandOptions {
  pollMs?: number;
  /** How long to follow a run in the server before giving up on it (default a day). */
  followForMs?: number;
  /** Tests: the ports an in-process run uses (default: the connected Trakt account and Plex server). */
  ports?: (deps: SyncPortDeps) => SyncPorts;
}

export async function syncCommand(config: Config, args: string[], io: CliIo = stdio, opts: SyncCommandOptions = {}): Promise<number> {
  const usage = 'Usage: plex-trakt-sync sync [--dry-run] [--full] [--yes] [--person NAME|ID]';
  let person: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--person' || a.startsWith('--person=')) {
      person = a === '--person' ? args[++i] : a.slice('--person='.length);
      if (!person) return outcome(io, { status: 'error', error: `--person needs a Plex account name or id. ${usage}` });
    } else rest.push(a);
  }
  const unknown = rest.filter((a) => a !== '--dry-run' && a !== '--full' && a !== '--yes');
  if (unknown.length) return outcome(io, { status: 'error', error: `Unknown option ${unknown[0]}. ${usage}` });
  const dryRun = args.includes('--dry-run');
  const full = args.includes('--full');
  const approve = args.includes('--yes');
  let ctx: Awaited<ReturnType<typeof createContext>> | undefined;
  try {
    // Ports given by a test replace the run options too (no history refresh before planning).
    ctx = await createContext(config, { logFd: 2, tune: opts.ports ? { sync: { ports: opts.ports, runner: {} } } : undefined });
    const viaServer = await askRunningServer(ctx, '/api/v1/sync', { dryRun, full, approve, trigger: 'cli', ...(person !== undefined ? { person } : {}) }, io, opts, 'running the sync');
    if (viaServer !== undefined) return viaServer;
    const print = progressPrinter(io);
    let started;
    try {
      started = await ctx.deps.sync.start({ trigger: 'cli', dryRun, full, approve, person });
    } catch (err) {
      if (err instanceof SyncBusyError) return outcome(io, { status: 'busy', error: err.message });
      if (err instanceof UnknownPersonError) return outcome(io, { status: 'error', error: err.message });
      throw err;
    }
    const db = ctx.deps.db;
    const timer = setInterval(() => void db.selectFrom('sync_runs').selectAll().where('id', '=', started.runId).executeTakeFirst().then((r) => r && print(runJson(r as SyncRunRow))), 500);
    const row = await started.done.finally(() => clearInterval(timer));
    // The run's notification goes out before this process ends (bounded; what is left waits for the server).
    await ctx.deps.notify.delivery.drain(10_000);
    const summary = runJson(row);
    print(summary);
    return finished(io, summary);
  } catch (err) {
    return outcome(io, { status: 'error', error: `The sync could not run: ${err instanceof Error ? err.message : String(err)}` });
  } finally {
    await ctx?.close();
  }
}

/** Asks the server to start a run (POST `path`) and follows it; undefined when it could not be reached (the caller runs in-process). */
/**
 * When a server runs on this database, it does the work (one process spends the Trakt budgets) and
 * this command follows it; undefined when there is none, or it did not answer (then this process does it).
 */
export async function askRunningServer(
  ctx: Awaited<ReturnType<typeof createContext>>,
  path: string,
  body: Record<string, unknown>,
  io: CliIo,
  opts: SyncCommandOptions,
  instead: string,
): Promise<number | undefined> {
  const server = await liveServer(ctx.deps.db);
  if (!server) return undefined;
  const follow = { pollMs: opts.pollMs ?? 1000, followForMs: opts.followForMs ?? 24 * 3600 * 1000 };
  const viaServer = await runOnServer(server.url, ctx.deps.secrets.apiKey(), path, body, io, follow);
  if (viaServer === undefined) io.err(`The server at ${server.url} did not answer; ${instead} in this process instead.`);
  return viaServer;
}

export async function runOnServer(url: string, apiKey: string, path: string, body: Record<string, unknown>, io: CliIo, follow: { pollMs: number; followForMs: number }): Promise<number | undefined> {
  const { pollMs } = follow;
  const headers = { 'x-api-key': apiKey, 'content-type': 'application/json', accept: 'application/json' };
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch {
    return undefined;
  }
  if (res.status === 409) {
    const message = ((await res.json().catch(() => ({}))) as { message?: string }).message;
    return outcome(io, { status: 'busy', error: message ?? 'A sync is already running. Wait for it to finish, then try again.' });
  }
  if (res.status === 400) {
    const message = ((await res.json().catch(() => ({}))) as { message?: string }).message;
    return outcome(io, { status: 'error', httpStatus: 400, error: message ?? `The server at ${url} refused the request (HTTP 400).` });
  }
  if (res.status !== 202) {
    return outcome(io, {
      status: 'error',
      httpStatus: res.status,
      error: `The server at ${url} refused the sync (HTTP ${res.status}). Check the API key in Settings, or stop the server and run the sync again.`,
    });
  }
  const { runId } = (await res.json()) as { runId: number };
  io.err(`sync ${runId}: running in the server at ${url}`);
  const print = progressPrinter(io);
  // Bounded: a run that is still going after `followForMs` (a day) is not followed any further.
  for (let i = 0; i < follow.followForMs / pollMs; i++) {
    await new Promise((r) => setTimeout(r, pollMs));
    let r: Response;
    try {
      r = await fetch(`${url}/api/v1/runs/${runId}`, { headers, signal: AbortSignal.timeout(10_000) });
    } catch {
      continue; // the server is busy or restarting; try again
    }
    if (!r.ok) continue;
    const summary = (await r.json()) as Summary;
    print(summary);
    if (summary.status !== 'running') return finished(io, summary);
  }
  return outcome(io, { status: 'timeout', runId, error: `sync ${runId} is still running in the server; see ${url}/runs/${runId}.` });
}
