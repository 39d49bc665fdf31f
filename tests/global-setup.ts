/**
 * Once per `vitest run` (and again before each re-run in watch mode, so a child never runs
 * stale code): bundles the entry points that tests start in child processes (see
 * tests/helpers/node-entry.ts for why), and removes the bundles at the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { BUNDLE_DIR_ENV, CHILD_ENTRIES } from './helpers/node-entry.js';

// Inside the project, so the bundles find node_modules and src/paths.ts finds the project root.
const DIR = path.resolve('test-results', 'child-bundles', String(process.pid));

async function bundle(): Promise<void> {
  await build({
    entryPoints: Object.entries(CHILD_ENTRIES).map(([out, src]) => ({ out, in: src })),
    outdir: DIR,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external', // node_modules load as they do for the CLI (better-sqlite3 is native)
    logLevel: 'warning',
  });
}

export default async function setup(project: TestProject): Promise<() => void> {
  // Each project of vitest.config.ts runs its global set-up in this same process: bundle once.
  if (process.env[BUNDLE_DIR_ENV] === DIR) {
    project.onTestsRerun(bundle);
    return () => undefined;
  }
  await bundle();
  // Forked test workers inherit this environment.
  process.env[BUNDLE_DIR_ENV] = DIR;
  project.onTestsRerun(bundle);
  return () => fs.rmSync(DIR, { recursive: true, force: true });
}
