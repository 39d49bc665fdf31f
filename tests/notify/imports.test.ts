/** src/notify is domain code: it takes what it uses explicitly and never reaches into the web layer. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(__dirname, '../../src/notify');

describe('src/notify imports', () => {
  it('never imports src/web, views, or the AppDeps type', () => {
    const offenders: string[] = [];
    for (const file of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/from\s+'([^']+)'/g)) {
        const spec = m[1]!;
        if (/(^|\/)web\/|(^|\/)views\//.test(spec)) offenders.push(`${file} → ${spec}`);
      }
      if (/\bAppDeps\b/.test(text)) offenders.push(`${file} → AppDeps`);
    }
    expect(offenders).toEqual([]);
  });
});
