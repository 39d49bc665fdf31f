/** `plex-trakt-sync login plex` in a child process against the Plex emulators; the test approves the PIN through the emulator. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import { getPlexOwner, getSelectedServer } from '../../src/db/repos/plex.js';
import { chooseServer, CliLoginError } from '../../src/cli/login-plex.js';
import { startPlexFakes, type PlexFakes } from '../fakes/plex/index.js';
import { tempDir } from '../helpers/context.js';
import { nodeArgs } from '../helpers/node-entry.js';

let fakes: PlexFakes;
beforeAll(async () => {
  fakes = await startPlexFakes();
});
afterAll(async () => fakes?.stop());

function runCli(args: string[], env: Record<string, string>, onStderr: (text: string) => void) {
  const proc = spawn(process.execPath, [...nodeArgs('cli'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    onStderr(stderr);
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000); // bounded
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const envFor = (dataDir: string) => ({ DATA_DIR: dataDir, PLEX_TV_URL: fakes.tvUrl, PLEX_AUTH_URL: fakes.authUrl, PLEX_URL: '', PLEX_TOKEN: '', LOG_LEVEL: 'warn' });

describe('plex-trakt-sync login plex', () => {
  it('prints the URL on stderr, polls until approved, stores token and server, prints who and which server on stdout', async () => {
    const dataDir = tempDir();
    let approved: string | null = null;
    const result = await runCli(['login', 'plex'], envFor(dataDir), (err) => {
      const m = /[?&]code=([a-z0-9]+)/.exec(err);
      if (m && !approved) approved = fakes.tv.approvePin(m[1]);
    });
    expect(approved).toBeTruthy();
    expect(result.stderr).toContain(`${fakes.authUrl}#?clientID=`);
    expect(result.stdout).toBe(`Connected to Plex as ${fakes.accounts.owner.username}, server "${fakes.pms.name}" at ${fakes.pmsUrl}\n`);
    expect(result.code).toBe(0);
    expect(result.stderr + result.stdout).not.toContain(approved!);

    const ctx = await createContext(loadConfig(envFor(dataDir)), { logFd: 2 });
    try {
      expect(await getSelectedServer(ctx.deps.db)).toMatchObject({ name: fakes.pms.name, url: fakes.pmsUrl, source: 'pin' });
      const owner = (await getPlexOwner(ctx.deps.db))!;
      expect(ctx.deps.cipher.decrypt(owner.token!)).toBe(approved);
    } finally {
      await ctx.close();
    }
  });

  it('ends with a sentence and exit 1 for an expired PIN, an unknown --server and a bad option', async () => {
    let expired = false;
    const result = await runCli(['login', 'plex'], envFor(tempDir()), (err) => {
      const m = /[?&]code=([a-z0-9]+)/.exec(err);
      if (m && !expired) expired = fakes.tv.expirePin(m[1]);
    });
    expect(expired).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The Plex sign-in request expired before it was approved. Run "plex-trakt-sync login plex" again.');
    expect(result.stdout).toBe('');

    let ok = false;
    const named = await runCli(['login', 'plex', '--server', 'Nope'], envFor(tempDir()), (err) => {
      const m = /[?&]code=([a-z0-9]+)/.exec(err);
      if (m && !ok) ok = !!fakes.tv.approvePin(m[1]);
    });
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`This Plex account has no server named "Nope". Its servers: "${fakes.pms.name}".`);

    const bad = await runCli(['login', 'plex', '--sever', 'x'], envFor(tempDir()), () => undefined);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown option "--sever"');
  });

  it('prefers an owned server that answers', () => {
    const mk = (name: string, owned: boolean, ok: boolean) => ({
      resource: { name, owned, clientIdentifier: name, provides: 'server', connections: [] },
      tests: [{ uri: `http://${name}`, local: true, relay: false, ok, ms: 1, error: ok ? undefined : 'down' }],
      best: ok ? { uri: `http://${name}`, local: true, relay: false, ok, ms: 1 } : undefined,
    });
    expect(chooseServer([mk('shared', false, true), mk('mine', true, true)]).resource.name).toBe('mine');
    expect(chooseServer([mk('mine', true, false), mk('shared', false, true)]).resource.name).toBe('shared');
    expect(chooseServer([mk('a', true, true), mk('B', true, true)], 'b').resource.name).toBe('B');
    expect(() => chooseServer([mk('mine', true, false)])).toThrow(CliLoginError);
    expect(() => chooseServer([])).toThrow(/lists no Plex Media Server/);
  });
});
