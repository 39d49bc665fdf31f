/** Dashboard sessions: server-side rows so that logout and expiry really end a session. */
import type { Db } from '../database.js';
import type { SessionRow } from '../tables/core.js';

export async function createSession(db: Db, id: string, ttlMs: number, userAgent: string | null, now = Date.now()): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id, created_at: now, last_seen_at: now, expires_at: now + ttlMs, user_agent: userAgent?.slice(0, 200) ?? null })
    .execute();
}

/**
 * The live session with this id, sliding its expiry forward (never past `created_at + maxAgeMs`,
 * the absolute lifetime); undefined when missing or expired.
 */
export async function touchSession(db: Db, id: string, ttlMs: number, maxAgeMs: number, now = Date.now()): Promise<SessionRow | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  if (row.expires_at <= now || row.created_at + maxAgeMs <= now) {
    await deleteSession(db, id);
    return undefined;
  }
  // Only write when it matters, so page loads do not each cost a write.
  if (now - row.last_seen_at > 60_000) {
    const expires = Math.min(now + ttlMs, row.created_at + maxAgeMs);
    await db.updateTable('sessions').set({ last_seen_at: now, expires_at: expires }).where('id', '=', id).execute();
  }
  return row;
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session (sign out everywhere, a changed password); returns how many ended. */
export async function deleteAllSessions(db: Db): Promise<number> {
  const res = await db.deleteFrom('sessions').executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, now = Date.now()): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
