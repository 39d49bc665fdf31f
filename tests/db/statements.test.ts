/** Kysely's queries reuse prepared statements (kept by SQL, bounded), and a busy one is never handed out twice. */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepingStatements, openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { getSetting, setSetting } from '../../src/db/repos/settings.js';
import { tempDir } from '../helpers/context.js';

let opened: ReturnType<typeof openDatabase> | undefined;
afterEach(async () => opened?.close());

describe('prepared statements', () => {
  it('prepares a repeated query once and still answers with fresh values', async () => {
    opened = openDatabase(tempDir());
    await migrateToLatest(opened.db);
    const prepare = vi.spyOn(opened.sqlite, 'prepare');
    await setSetting(opened.db, 'k', 1);
    const afterFirst = prepare.mock.calls.length;
    for (let i = 2; i <= 20; i++) {
      await setSetting(opened.db, 'k', i);
      expect(await getSetting(opened.db, 'k')).toBe(i);
    }
    // One more statement (the read) after the first write; nineteen rounds prepare nothing new.
    expect(prepare.mock.calls.length).toBe(afterFirst + 1);
  });

  it('hands out a fresh statement while the kept one is still iterating, and keeps at most 500', () => {
    const sqlite = new BetterSqlite3(':memory:');
    const db = keepingStatements(sqlite);
    db.prepare('create table t (n integer)').run();
    const insert = db.prepare('insert into t values (?)');
    for (let i = 0; i < 5; i++) insert.run(i);
    const sql = 'select n from t order by n';
    const outer = db.prepare(sql);
    const seen: number[] = [];
    for (const row of outer.iterate() as Iterable<{ n: number }>) {
      const inner = db.prepare(sql);
      expect(inner).not.toBe(outer);
      seen.push(row.n, (inner.all() as Array<{ n: number }>).length);
    }
    expect(seen).toEqual([0, 5, 1, 5, 2, 5, 3, 5, 4, 5]);
    const prepare = vi.spyOn(sqlite, 'prepare');
    for (let i = 0; i < 600; i++) db.prepare(`select ${i}`);
    expect(prepare).toHaveBeenCalledTimes(600);
    db.prepare('select 599'); // kept
    expect(prepare).toHaveBeenCalledTimes(600);
    db.prepare('select 0'); // the oldest was let go: prepared again
    expect(prepare).toHaveBeenCalledTimes(601);
    db.close();
  });
});
