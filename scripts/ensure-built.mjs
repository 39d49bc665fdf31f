// Builds (tsc + Tailwind) when dist/ is missing or older than any source file.
// A runtime image ships dist/ without sources, so there is nothing to compare and nothing to do.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'views', 'migrations', 'public'];
const STAMP = path.join(root, 'dist', '.build-stamp');

function newest(dir) {
  let t = 0;
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt() {
  const sourceTime = Math.max(0, ...SOURCES.map((d) => newest(path.join(root, d))), fs.statSync(path.join(root, 'package.json')).mtimeMs);
  const hasSources = fs.existsSync(path.join(root, 'src'));
  let builtTime = 0;
  try {
    builtTime = fs.statSync(STAMP).mtimeMs;
  } catch {
    /* never built */
  }
  if (!hasSources || (builtTime && builtTime >= sourceTime)) return;
  process.stderr.write('Building Plex-Trakt Sync (first start or sources changed)…\n');
  execSync('npm run --silent build', { cwd: root, stdio: ['ignore', 2, 2] });
  fs.writeFileSync(STAMP, new Date().toISOString());
}
