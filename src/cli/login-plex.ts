/**
 * `plex-trakt-sync login plex [--server <name>]`: the PIN login in a terminal. The URL goes
 * to stderr (with progress), who and which server are connected go to stdout; the token
 * and server land in the database the running service reads, so it uses them at once.
 */
import type { Config } from '../config/env.js';
import { createContext } from '../context.js';
import { PlexError } from '../plex/errors.js';
import { plexAuthUrl } from '../plex/tv-client.js';
import { acceptPlexToken, connectResource, listServerChoices, type PlexLoginDeps, type ServerChoice } from '../plex-connection/login.js';

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export class CliLoginError extends Error {}

function serverOption(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--server') {
      const name = args[i + 1];
      if (!name || name.startsWith('--')) throw new CliLoginError('--server needs the name of a server, like --server "Living Room".');
      return name;
    }
    if (a.startsWith('--server=')) return a.slice('--server='.length);
    throw new CliLoginError(`Unknown option "${a}". Usage: plex-trakt-sync login plex [--server <name>]`);
  }
  return undefined;
}

/** The server to use: the one named, else the first owned server that answers, else any that answers. */
export function chooseServer(choices: ServerChoice[], name?: string): ServerChoice {
  const list = choices.map((c) => `"${c.resource.name}"`).join(', ') || 'none';
  if (name) {
    const named = choices.find((c) => c.resource.name.toLowerCase() === name.toLowerCase());
    if (!named) throw new CliLoginError(`This Plex account has no server named "${name}". Its servers: ${list}.`);
    if (!named.best) throw new CliLoginError(`No connection of "${named.resource.name}" answered: ${named.tests.map((t) => `${t.uri}: ${t.error}`).join('; ')}`);
    return named;
  }
  const pick = choices.find((c) => c.resource.owned && c.best) ?? choices.find((c) => c.best);
  if (!pick) {
    if (!choices.length) throw new CliLoginError('plex.tv lists no Plex Media Server for this account. Start your server and sign it in, or set PLEX_URL and PLEX_TOKEN.');
    throw new CliLoginError(`None of this account's servers answered (${list}). Check that the server is running and reachable from this machine, or set PLEX_URL and PLEX_TOKEN.`);
  }
  return pick;
}

async function waitForToken(deps: PlexLoginDeps & { config: Config }, io: CliIo, pollMs: number): Promise<string> {
  const tv = await deps.plex.tv();
  const pin = await tv.createPin();
  const url = plexAuthUrl(deps.config.plex.authUrl, await deps.plex.clientIdentifier(), pin.code);
  const expiresAt = pin.expiresAt ? Date.parse(pin.expiresAt) : Date.now() + (pin.expiresIn ?? 900) * 1000;
  io.err.write(`To connect Plex, open this page and sign in:\n${url}\n`);
  io.err.write(`(the request expires in ${Math.max(1, Math.round((expiresAt - Date.now()) / 60_000))} minutes; waiting for approval…)\n`);
  const maxPolls = Math.ceil((expiresAt - Date.now()) / pollMs) + 1;
  for (let i = 0; i < maxPolls && Date.now() < expiresAt; i++) {
    await new Promise((r) => setTimeout(r, pollMs));
    let now;
    try {
      now = await tv.checkPin(pin.id);
    } catch (err) {
      if (!(err instanceof PlexError)) throw err;
      io.err.write(`${err.message} Still trying.\n`);
      continue;
    }
    if (!now) break;
    if (now.authToken) return now.authToken;
  }
  throw new CliLoginError('The Plex sign-in request expired before it was approved. Run "plex-trakt-sync login plex" again.');
}

export async function plexLoginCommand(config: Config, args: string[] = [], io: CliIo = { out: process.stdout, err: process.stderr }, pollMs = 1000): Promise<number> {
  let name: string | undefined;
  try {
    name = serverOption(args);
  } catch (err) {
    io.err.write(`${(err as Error).message}\n`);
    return 1;
  }
  const ctx = await createContext(config, { logFd: 2 });
  try {
    const { deps } = ctx;
    if (config.plex.url && config.plex.token) io.err.write('Note: PLEX_URL and PLEX_TOKEN are set, and the environment wins over this login while they are.\n');
    const token = await waitForToken(deps, io, pollMs);
    const { accountId, user } = await acceptPlexToken(deps, token);
    io.err.write(`Signed in as ${user.username}; testing the connections of your servers…\n`);
    const choice = chooseServer(await listServerChoices(deps, token), name);
    const result = await connectResource(deps, accountId, choice.resource, choice.best!.uri);
    if (!result.ok) throw new CliLoginError(result.message);
    io.out.write(`Connected to Plex as ${user.username}, server "${result.name}" at ${result.url}\n`);
    return 0;
  } catch (err) {
    if (err instanceof CliLoginError || err instanceof PlexError) {
      io.err.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await ctx.close();
  }
}
