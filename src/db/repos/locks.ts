/**
 * Leases in the database, shared by every process on the same data directory (the
 * server and the CLI). A holder renews its lease (heartbeat); a lease whose holder died
 * lapses and can be taken over, so a killed process frees it within the TTL.
 */
import { sql } from 'kysely';
import type { Db } from '../database.js';

export interface Lease {
  name: string;
  owner: string;
  /** Extends the lease; false when it was lost (expired and taken over). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export async function tryAcquireLease(db: Db, name: string, owner: string, ttlMs: number, now = Date.now()): Promise<Lease | undefined> {
  // One statement: insert, or take over a lapsed lease (or re-enter our own).
  const res = await sql`
    INSERT INTO locks (name, owner, acquired_at, expires_at) VALUES (${name}, ${owner}, ${now}, ${now + ttlMs})
    ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
    WHERE locks.expires_at <= ${now} OR locks.owner = ${owner}`.execute(db);
  if (Number(res.numAffectedRows ?? 0n) === 0) return undefined;
  return {
    name,
    owner,
    async renew() {
      const t = Date.now();
      const r = await db
        .updateTable('locks')
        .set({ expires_at: t + ttlMs })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async release() {
      await db.deleteFrom('locks').where('name', '=', name).where('owner', '=', owner).execute();
    },
  };
}

export async function readLease(db: Db, name: string): Promise<{ owner: string; expires_at: number } | undefined> {
  return db.selectFrom('locks').select(['owner', 'expires_at']).where('name', '=', name).executeTakeFirst();
}

/** Waits (bounded) for a lease, polling; for short critical sections such as a token refresh. */
export async function acquireLeaseWaiting(db: Db, name: string, owner: string, ttlMs: number, waitMs: number): Promise<Lease | undefined> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const lease = await tryAcquireLease(db, name, owner, ttlMs);
    if (lease || Date.now() >= deadline) return lease;
    await new Promise((r) => setTimeout(r, Math.min(25 * 2 ** Math.min(attempt, 4), 250)));
  }
}

/**
 * A run's heartbeat: every `everyMs` renews the lease (the first renewal that fails calls
 * `onLost` once: another process took over) and runs `beat` (the run's progress flush).
 * Returns the stop function.
 */
export function keepRenewing(lease: Pick<Lease, 'renew'>, everyMs: number, onLost: () => void, beat: () => void): () => void {
  let lost = false;
  const timer = setInterval(() => {
    void lease.renew().then((ok) => {
      if (!ok && !lost) {
        lost = true;
        onLost();
      }
    });
    beat();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
