/**
 * The real service in a child process (`src/cli.ts serve`, bundled: tests/helpers/node-entry.ts), for tests that
 * must kill it (SIGKILL mid-work) and start it again on the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { nodeArgs } from './node-entry.js';

export interface ChildService {
  url: string;
  proc: ChildProcess;
  /** Every stdout line so far (JSON log lines). */
  lines: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the first log line matching `re` (bounded by `timeoutMs`). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
}

export async function startChildService(env: Record<string, string>, timeoutMs = 30_000): Promise<ChildService> {
  const proc = spawn(process.execPath, [...nodeArgs('cli'), 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', OPEN_BROWSER: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let buf = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

  const waitForLine = (re: RegExp, ms = timeoutMs) =>
    new Promise<string>((resolve, reject) => {
      const found = lines.find((l) => re.test(l));
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no log line matching ${re} within ${ms} ms; stderr: ${stderr.slice(-500)}`)), ms);
      waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`service exited before logging ${re}; stderr: ${stderr.slice(-500)}`));
      });
    });

  const listening = await waitForLine(/"msg":"listening on /);
  const url = (JSON.parse(listening) as { url: string }).url;
  return {
    url,
    proc,
    lines,
    waitForLine,
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
