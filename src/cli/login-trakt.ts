/**
 * `plex-trakt-sync login trakt`: the device-code login in a terminal. The code and URL go
 * to stderr (with progress), who is connected goes to stdout; the tokens land in the same
 * database the server reads, so a running server uses them at once.
 */
import type { Config } from '../config/env.js';
import { createContext } from '../context.js';
import { runDeviceLogin } from '../trakt/device-auth.js';

export async function traktLoginCommand(config: Config, io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  const ctx = await createContext(config, { logFd: 2 });
  try {
    const account = await runDeviceLogin(ctx.deps, {
      onCode(code) {
        io.err.write(`To connect Trakt, open ${code.verificationUrl} and enter the code ${code.userCode}\n`);
        io.err.write(`(the code expires in ${Math.round(code.expiresInSec / 60)} minutes; waiting for approval…)\n`);
      },
      onWaiting(state) {
        if (state === 'slow_down') io.err.write('Trakt asked to poll more slowly; waiting a little longer between checks.\n');
      },
    });
    io.out.write(`Connected to Trakt as ${account.username}\n`);
    return 0;
  } finally {
    await ctx.close();
  }
}
