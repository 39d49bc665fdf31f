/**
 * How a test starts one of the project's entry points in a process of its own.
 *
 * Under `vitest run` the suite's global set-up (tests/global-setup.ts) bundles each entry below
 * once with esbuild into plain JavaScript, as the installed CLI runs compiled JavaScript; a child
 * then starts on ~0.8 s of CPU instead of ~3 s under tsx's loader (measured on this 2-core
 * machine), and the suite starts about 40 of them. Anywhere else (benches, `npm run soak`, a
 * script run by hand) or with PTS_CHILD=tsx, the entry runs from source under tsx as before.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The entry points tests start as children, by the name their bundle gets. */
export const CHILD_ENTRIES = {
  cli: 'src/cli.ts', // named cli.js: src/cli.ts runs itself when argv[1] ends in cli.(ts|js)
  'webhook-child': 'tests/fixtures/webhooks/child-entry.ts',
  'sync-child-run': 'tests/sync/sync-child-run.ts',
  'undo-child': 'tests/undo/undo-child.ts',
} as const;

export type ChildEntry = keyof typeof CHILD_ENTRIES;

/** Set by the global set-up to the folder holding the bundles. */
export const BUNDLE_DIR_ENV = 'PTS_CHILD_BUNDLES';

/** The arguments for `spawn(process.execPath, [...nodeArgs(entry), ...args])`. */
export function nodeArgs(entry: ChildEntry): string[] {
  const dir = process.env[BUNDLE_DIR_ENV];
  if (dir && process.env.PTS_CHILD !== 'tsx') {
    const bundle = path.join(dir, `${entry}.js`);
    if (fs.existsSync(bundle)) return [bundle];
  }
  return ['--import', 'tsx', CHILD_ENTRIES[entry]];
}
