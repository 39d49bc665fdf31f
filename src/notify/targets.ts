/**
 * The stored notification targets. URLs are sealed with the cipher on the way in and opened
 * on the way out, here only. NOTIFY_URLS is mirrored into the table at start-up (source
 * `env`, read-only in Settings) so every target has an id the outbox can point at.
 */
import type { Db } from '../db/database.js';
import type { NotifyDeliveryRow, NotifyTargetRow } from '../db/tables/notify.js';
import type { Cipher } from '../security/crypto.js';
import { parseNotifyUrl, type NotifyTarget } from './urls.js';

export interface StoredTarget {
  id: number;
  source: NotifyTargetRow['source'];
  target: NotifyTarget;
}

/** What Settings shows of a target: nothing secret. */
export interface TargetSummary {
  id: number;
  source: NotifyTargetRow['source'];
  masked: string;
  kind: string;
  events: string[] | null;
}

export async function listTargetSummaries(db: Db): Promise<TargetSummary[]> {
  const rows = await db.selectFrom('notify_targets').select(['id', 'source', 'masked_url', 'kind', 'events']).orderBy('source').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, source: r.source, masked: r.masked_url, kind: r.kind, events: r.events ? r.events.split(',') : null }));
}

/** Every target with its URL opened; one that no longer opens (key replaced) is left out. */
export async function loadTargets(db: Db, cipher: Cipher): Promise<StoredTarget[]> {
  const rows = await db.selectFrom('notify_targets').selectAll().orderBy('id').execute();
  const out: StoredTarget[] = [];
  for (const r of rows) {
    const t = openRow(r, cipher);
    if (t) out.push(t);
  }
  return out;
}

export async function loadTarget(db: Db, cipher: Cipher, id: number): Promise<StoredTarget | undefined> {
  const row = await db.selectFrom('notify_targets').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? openRow(row, cipher) : undefined;
}

function openRow(r: NotifyTargetRow, cipher: Cipher): StoredTarget | undefined {
  try {
    return { id: r.id, source: r.source, target: parseNotifyUrl(cipher.decrypt(r.sealed_url)) };
  } catch {
    return undefined;
  }
}

export async function addTarget(db: Db, cipher: Cipher, target: NotifyTarget, source: NotifyTargetRow['source'], now = Date.now()): Promise<number> {
  const row = await db
    .insertInto('notify_targets')
    .values({ sealed_url: cipher.encrypt(target.raw), masked_url: target.masked, kind: target.kind, events: target.events?.join(',') ?? null, source, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Replaces a Settings target's URL (its events changed); its queued messages stay with it. */
export async function replaceTargetUrl(db: Db, cipher: Cipher, id: number, target: NotifyTarget): Promise<void> {
  await db
    .updateTable('notify_targets')
    .set({ sealed_url: cipher.encrypt(target.raw), masked_url: target.masked, kind: target.kind, events: target.events?.join(',') ?? null })
    .where('id', '=', id)
    .where('source', '=', 'settings')
    .execute();
}

/** Removes a Settings target and what waits for it (the outbox rows go with it). */
export async function removeTarget(db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom('notify_targets').where('id', '=', id).where('source', '=', 'settings').executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Makes the `env` rows match NOTIFY_URLS: unchanged URLs keep their id (and their queue). */
export async function mirrorEnvTargets(db: Db, cipher: Cipher, urls: readonly string[], now = Date.now()): Promise<void> {
  const wanted = urls.map((u) => parseNotifyUrl(u));
  const rows = await db.selectFrom('notify_targets').selectAll().where('source', '=', 'env').execute();
  const keep = new Set<number>();
  for (const t of wanted) {
    const same = rows.find((r) => !keep.has(r.id) && openRow(r, cipher)?.target.raw === t.raw);
    if (same) keep.add(same.id);
    else keep.add(await addTarget(db, cipher, t, 'env', now));
  }
  const gone = rows.filter((r) => !keep.has(r.id)).map((r) => r.id);
  if (gone.length) await db.deleteFrom('notify_targets').where('id', 'in', gone).execute();
}

export async function recentDeliveries(db: Db, limit = 20): Promise<NotifyDeliveryRow[]> {
  return db.selectFrom('notify_deliveries').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
