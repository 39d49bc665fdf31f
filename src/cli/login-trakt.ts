/**
 * `plex-trakt-sync login trakt`: the device-code login in a terminal. The code and URL go
 * to stderr (with progress), who is connected goes to stdout; the tokens land in the same
 * database the server reads, so a running server uses them at once.
 */
import type { Config } from '../config/env.js';
import { createContext } from '../context.js';
import { runPersonLogin } from '../people/trakt-login.js';
import { runDeviceLogin, type RunDeviceLoginOptions } from '../trakt/device-auth.js';

/** `--person <plex account>` (name or id), or undefined; a bare `--person` is a usage error. */
export function personArg(args: string[]): string | undefined | { error: string } {
  const i = args.findIndex((a) => a === '--person' || a.startsWith('--person='));
  if (i < 0) return undefined;
  const value = args[i]!.includes('=') ? args[i]!.slice('--person='.length) : args[i + 1];
  if (!value || value.startsWith('--')) return { error: 'Name the person: plex-trakt-sync login trakt --person <Plex account name or id>.' };
  return value;
}

export async function traktLoginCommand(
  config: Config,
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr },
  args: string[] = [],
): Promise<number> {
  const person = personArg(args);
  if (typeof person === 'object') {
    io.err.write(person.error + '\n');
    return 1;
  }
  const ctx = await createContext(config, { logFd: 2 });
  try {
    const prompts: RunDeviceLoginOptions = {
      onCode(code) {
        io.err.write(`To connect Trakt, open ${code.verificationUrl} and enter the code ${code.userCode}\n`);
        io.err.write(`(the code expires in ${Math.round(code.expiresInSec / 60)} minutes; waiting for approval…)\n`);
      },
      onWaiting(state) {
        if (state === 'slow_down') io.err.write('Trakt asked to poll more slowly; waiting a little longer between checks.\n');
      },
    };
    if (person === undefined) {
      const account = await runDeviceLogin(ctx.deps, prompts);
      io.out.write(`Connected to Trakt as ${account.username}\n`);
      return 0;
    }
    const { people } = ctx.deps;
    // A person only seen on plex.tv so far is found after reading it (best effort: webhooks add people too).
    let row = await people.find(person);
    if (!row) {
      await people.refresh({ force: true });
      row = await people.find(person);
    }
    if (!row) {
      io.err.write(`No person "${person}" is known: name a Plex account as Settings → People lists it (name or id), or let them play something first.\n`);
      return 1;
    }
    io.err.write(`Connecting ${row.name}'s own Trakt account: sign in to Trakt as ${row.name}, not as yourself.\n`);
    const account = await runPersonLogin(ctx.deps, row.plex_account_id, prompts);
    io.out.write(`Connected ${row.name} to Trakt as ${account.username}\n`);
    return 0;
  } finally {
    await ctx.close();
  }
}
