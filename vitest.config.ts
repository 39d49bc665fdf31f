import { defineConfig } from 'vitest/config';

// Files whose tests build their own contexts and emulators and leave nothing behind in the
// process share their workers' module cache (isolate: false): each file in its own fresh module
// graph cost ~1.5 s of CPU just to import the service, 90 s of a 2-core run. The rest (browsers,
// child services, soak, crash and live tests) keep one fresh worker per file.
const SHARED = ['tests/unit/**/*.test.{ts,tsx}', 'tests/db/**/*.test.{ts,tsx}', 'tests/fakes/**/*.test.{ts,tsx}', 'tests/notify/**/*.test.{ts,tsx}', 'tests/http/**/*.test.{ts,tsx}'];

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
      { extends: true, test: { name: 'shared', include: SHARED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ['tests/**/*.test.{ts,tsx}'], exclude: SHARED } },
    ],
  },
});
