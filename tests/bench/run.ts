/**
 * `npm run bench`: runs every `tests/bench/*.bench.ts` (or those named on the command
 * line, e.g. `npm run bench -- webhooks`) one after another; each prints its numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

for (const file of files) {
  console.log(`\n=== ${file.replace('.bench.ts', '')} ===`);
  const t0 = Date.now();
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run: () => Promise<void> };
  await mod.run();
  console.log(`(${file} took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
if (files.length === 0) console.log('no benchmarks matched');
