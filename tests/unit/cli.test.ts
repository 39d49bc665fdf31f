import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../helpers/context.js';
import { nodeArgs } from '../helpers/node-entry.js';


function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...nodeArgs('cli'), ...args], {
    env: { ...process.env, DATA_DIR: tempDir(), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('command line', () => {
  it('stops on a bad setting with one line naming it and exit code 1', () => {
    const r = run(['status'], { PORT: 'eighty' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('Configuration error: PORT must be a whole number from 1 to 65535 (got "eighty")');
    expect(r.stdout).toBe('');
  });

  it('sync keeps its one JSON line on stdout even when a setting stops it', () => {
    const r = run(['sync'], { TRAKT_API_URL: 'not a url' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^Configuration error: TRAKT_API_URL/);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ status: 'error', error: r.stderr.trim() });
  });

  it('prints status as one JSON line on stdout and logs nothing there', () => {
    const r = run(['status'], { LOG_LEVEL: 'debug' });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ database: 'ok' });
  });

  it('explains an unknown command', () => {
    const r = run(['frobnicate']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
  });
});
