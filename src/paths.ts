/** Where the project's files are, whether running from source (tsx) or from dist/. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'public'))) return (root = dir);
    dir = path.dirname(dir);
  }
  return (root = process.cwd());
}

export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
