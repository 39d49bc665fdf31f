/**
 * `npm run demo`'s script as a person runs it: it prints the URL and the password, the URL
 * serves and the password signs in, Ctrl-C (SIGINT) stops it with exit 0 and removes its
 * temporary data directory. A bad option is one clear line and exit 1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

function runDemo(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/fakes/demo.ts', ...args], {
    env: { ...process.env, ADMIN_PASSWORD: '', PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, exited, out: () => out, err: () => err };
}

describe('npm run demo', () => {
  it('prints a URL and a password that work, and Ctrl-C stops it and removes its data', async () => {
    const demo = runDemo(['--port', '0', '--viewer-every', '0', '--movies', '40', '--shows', '3']);
    try {
      await expect.poll(() => /Ctrl-C stops the demo/.test(demo.out()), { timeout: 45_000, interval: 200 }).toBe(true);
      const url = /Open\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(demo.out())?.[1];
      const password = /Password\s+(\S+)/.exec(demo.out())?.[1];
      const dataDir = /Data\s+(\S+)/.exec(demo.out())?.[1];
      expect(url).toBeDefined();
      expect(password).toMatch(/^demo-[0-9a-f]{12}$/);
      expect(fs.existsSync(dataDir!)).toBe(true);
      expect(dataDir!.startsWith(process.cwd())).toBe(false);

      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const login = await fetch(`${url}/login`);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
      const signIn = await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: url! },
        body: new URLSearchParams({ password: password!, _csrf: csrf }),
      });
      expect(signIn.status).toBe(302);
      expect(signIn.headers.get('location')).toBe('/');

      demo.proc.kill('SIGINT');
      expect(await demo.exited).toBe(0);
      expect(demo.out()).toContain('stopping the demo');
      expect(fs.existsSync(dataDir!)).toBe(false);
    } finally {
      demo.proc.kill('SIGKILL');
    }
  }, 90_000);

  it('refuses a bad option with one line and exit 1', async () => {
    const demo = runDemo(['--port', 'eighty']);
    expect(await demo.exited).toBe(1);
    expect(demo.err()).toContain('demo: --port must be a whole number from 0 to 65535 (got "eighty")');
  }, 30_000);
});
