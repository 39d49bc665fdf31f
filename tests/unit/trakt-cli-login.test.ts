/** `plex-trakt-sync login trakt` in a child process against the Trakt emulator; the test approves the code. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createContext } from '../../src/context.js';
import { listTraktAccounts } from '../../src/db/repos/trakt-accounts.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startTraktFake, type TraktFake } from '../fakes/trakt/index.js';
import { tempDir } from '../helpers/context.js';
import { nodeArgs } from '../helpers/node-entry.js';

let fake: TraktFake;
beforeAll(async () => {
  fake = await startTraktFake({ rateLimits: false, deviceCodeIntervalSec: 1 });
});
afterAll(async () => {
  await fake?.stop();
});

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

describe('plex-trakt-sync login trakt', () => {
  it('prints the code on stderr, polls until approved, stores the account, prints who on stdout', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, TRAKT_API_URL: fake.url, TRAKT_OAUTH_URL: fake.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, LOG_LEVEL: 'warn' };
    let approved = false;
    const result = await runCli(['login', 'trakt'], env, (err) => {
      const m = /enter the code ([0-9A-F]+)/.exec(err);
      if (m && !approved) approved = fake.approveDevice(m[1], 'alice');
    });
    expect(approved).toBe(true);
    expect(result.stderr).toContain(`${fake.url}/activate`);
    expect(result.stdout).toBe('Connected to Trakt as alice\n');
    expect(result.code).toBe(0);

    const ctx = await createContext(loadConfig(env), { logFd: 2 });
    try {
      expect(await listTraktAccounts(ctx.deps.db)).toMatchObject([{ username: 'alice', status: 'connected' }]);
    } finally {
      await ctx.close();
    }
  });

  it('ends with a sentence and exit 1 when the code is denied or no app is set up', async () => {
    let denied = false;
    const env = { DATA_DIR: tempDir(), TRAKT_API_URL: fake.url, TRAKT_OAUTH_URL: fake.url, TRAKT_CLIENT_ID: DEFAULT_CLIENT_ID, TRAKT_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, LOG_LEVEL: 'warn' };
    const result = await runCli(['login', 'trakt'], env, (err) => {
      const m = /enter the code ([0-9A-F]+)/.exec(err);
      if (m && !denied) denied = fake.denyDevice(m[1]);
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/denied on Trakt/);
    expect(result.stdout).toBe('');

    const none = await runCli(['login', 'trakt'], { DATA_DIR: tempDir(), TRAKT_OAUTH_URL: fake.url, TRAKT_CLIENT_ID: '', TRAKT_CLIENT_SECRET: '' }, () => undefined);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/enter your Trakt client id and secret in Settings/);
  });
});
