/** Key/value settings kept in the database (values are JSON). */
import type { Db } from '../database.js';

export async function getSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export async function setSetting(db: Db, key: string, value: unknown, now = Date.now()): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: json, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now }))
    .execute();
}

export async function deleteSetting(db: Db, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}

/** Sets a value only if none exists yet; returns the value that is stored afterwards. */
export async function getOrCreateSetting<T>(db: Db, key: string, create: () => T, now = Date.now()): Promise<T> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(create()), updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return (await getSetting<T>(db, key)) as T;
}
