/**
 * Which way imports point (STYLE.md): domain code never reaches up into the web layer,
 * the views, the composition root or the web's dependency bag. Reads every import of
 * every file outside src/web and the entry points, so a new folder is covered as soon
 * as it exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

/** Entry points and the web layer: they may import anything. */
const ALLOWED_ANYWHERE = ['src/web/', 'src/cli/', 'src/app.tsx', 'src/main.ts', 'src/context.ts', 'src/cli.ts'];

/** What domain code must not import: the web layer, views, and the entry points (which import the web). */
const FORBIDDEN = [/^src\/web\//, /^views\//, /^src\/app\.tsx$/, /^src\/main\.ts$/, /^src\/context\.ts$/, /^src\/cli\.ts$/, /^src\/cli\//];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier a file names: static imports and exports, and dynamic import(). */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** A relative specifier as a path from the repository root, without the extension. */
function resolve(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const abs = path.resolve(path.dirname(file), spec);
  return path.relative(ROOT, abs).split(path.sep).join('/').replace(/\.(js|jsx|ts|tsx)$/, '');
}

/** What one file (absolute path, its text) does wrong; nothing for the web layer and the entry points. */
export function violationsOf(file: string, text: string): string[] {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  if (ALLOWED_ANYWHERE.some((a) => rel === a || rel.startsWith(a))) return [];
  const found: string[] = [];
  for (const spec of specifiers(text)) {
    const target = resolve(file, spec);
    if (target === undefined) continue;
    if (FORBIDDEN.some((f) => f.test(target) || f.test(`${target}.ts`) || f.test(`${target}.tsx`))) found.push(`${rel} imports ${spec}`);
  }
  if (/\bAppDeps\b/.test(text)) found.push(`${rel} names AppDeps (the web layer's bag): take the few things it uses instead`);
  return found;
}

describe('import rules', () => {
  it('reads the imports it has to judge', () => {
    expect(specifiers(`import a from '../web/env.js';\nexport { b } from "./b.js";\nconst c = await import('../../views/x.js');\nimport './side.js';`)).toEqual(['../web/env.js', './b.js', '../../views/x.js', './side.js']);
  });

  it('would catch a domain module importing the web layer or views', () => {
    const text = "import type { AppDeps } from '../web/env.js';\nimport { Y } from '../../views/layout.js';\nimport { startService } from '../main.js';\n";
    expect(violationsOf(path.join(SRC, 'sync', 'probe.ts'), text)).toHaveLength(4); // three imports, and the name
    expect(violationsOf(path.join(SRC, 'newfolder', 'probe.ts'), text)).toHaveLength(4);
    expect(violationsOf(path.join(SRC, 'web', 'probe.ts'), text)).toEqual([]);
  });

  it('no module outside src/web and the entry points imports src/web, views, the composition root or AppDeps', () => {
    const files = walk(SRC);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((f) => violationsOf(f, fs.readFileSync(f, 'utf8')))).toEqual([]);
  });
});
