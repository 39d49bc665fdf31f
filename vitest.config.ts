import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Bundles the entry points tests start as child processes (tests/helpers/node-entry.ts).
    globalSetup: ['tests/global-setup.ts'],
    // Browser and emulator tests start real servers; two workers match the two cores.
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
