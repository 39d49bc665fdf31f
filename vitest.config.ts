import { defineConfig } from 'vitest/config';

// Most files build their own contexts, emulators and child services and close what they open: they
// share their worker's loaded modules (isolate: false). Importing the service afresh for each file
// cost ~1 s of CPU per file, ~110 s in all (measured). Browser tests and the reliability files (the
// soak watches memory; crash tests kill services mid-write) keep one fresh worker per file.
const ISOLATED = ['tests/e2e/**/*.test.{ts,tsx}', 'tests/reliability/**/*.test.{ts,tsx}'];
const ALL = ['tests/**/*.test.{ts,tsx}'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Bundles the entry points tests start as child processes (tests/helpers/node-entry.ts).
    globalSetup: ['tests/global-setup.ts'],
    // Browser and emulator tests start real servers; two workers match the two cores.
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    projects: [
      { extends: true, test: { name: 'shared', include: ALL, exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
