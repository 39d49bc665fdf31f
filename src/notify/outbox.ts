/**
 * The notification outbox, on synchronous statements: raising an event is one short SQLite
 * transaction (no await, no network) so a scrobble or a run never waits for delivery, and two
 * raises of the same event cannot race past the folding check.
 *
 * Folding, per target and event: the first is due at once; one raised within 10 minutes of the
 * last one's due time waits until those 10 minutes are over, and every further one folds into
 * that waiting row ("and N more"). A row still waiting (or retrying) always takes the next one.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { NotifyOutboxRow } from '../db/tables/notify.js';
import { targetWants, type NotifyDetails, type NotifyEvent } from './events.js';

export const FOLD_WINDOW_MS = 10 * 60_000;
/** Delivery rows kept for Settings. */
const DELIVERIES_KEPT = 500;
/** Finished outbox rows kept (folding reads the last one per target and event). */
const FINISHED_KEPT_MS = 7 * 24 * 3600_000;

export interface NewDelivery {
  outboxId: number | null;
  targetId: number | null;
  masked: string;
  event: string;
  title: string;
  at: number;
  ok: boolean;
  status?: number;
  error?: string;
  attempt: number;
}

export class Outbox {
  private readonly s;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    const p = (sql: string) => sqlite.prepare(sql);
    this.s = {
      targets: p('SELECT id, events FROM notify_targets'),
      last: p('SELECT id, status, window_at FROM notify_outbox WHERE target_id = ? AND event = ? ORDER BY id DESC LIMIT 1'),
      fold: p('UPDATE notify_outbox SET folded = folded + 1, updated_at = ? WHERE id = ?'),
      insert: p(`INSERT INTO notify_outbox (target_id, event, details, folded, status, attempts, window_at, next_attempt_at, created_at, updated_at)
                 VALUES (?, ?, ?, 0, 'pending', 0, ?, ?, ?, ?)`),
      reset: p(`UPDATE notify_outbox SET status = 'pending' WHERE status = 'sending'`),
      due: p(`SELECT * FROM notify_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`),
      nextDue: p(`SELECT MIN(next_attempt_at) AS at FROM notify_outbox WHERE status = 'pending'`),
      claim: p(`UPDATE notify_outbox SET status = 'sending', updated_at = ? WHERE id = ? AND status = 'pending'`),
      sent: p(`UPDATE notify_outbox SET status = 'sent', attempts = ?, sent_at = ?, updated_at = ?, last_error = NULL WHERE id = ?`),
      retry: p(`UPDATE notify_outbox SET status = 'pending', attempts = ?, next_attempt_at = ?, updated_at = ?, last_error = ? WHERE id = ?`),
      failed: p(`UPDATE notify_outbox SET status = 'failed', attempts = ?, updated_at = ?, last_error = ? WHERE id = ?`),
      release: p(`UPDATE notify_outbox SET status = 'pending', updated_at = ? WHERE id = ? AND status = 'sending'`),
      record: p(`INSERT INTO notify_deliveries (outbox_id, target_id, masked_url, event, title, at, ok, status, error, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      pruneDeliveries: p(`DELETE FROM notify_deliveries WHERE id <= (SELECT id FROM notify_deliveries ORDER BY id DESC LIMIT 1 OFFSET ${DELIVERIES_KEPT})`),
      pruneOutbox: p(`DELETE FROM notify_outbox WHERE status IN ('sent', 'failed') AND updated_at < ?`),
      pending: p(`SELECT COUNT(*) AS n FROM notify_outbox WHERE status IN ('pending', 'sending')`),
    };
  }

  /** Queues the event for every target that wants it; returns how many targets got it. */
  enqueue(event: NotifyEvent, details: NotifyDetails, now: number): number {
    const json = JSON.stringify(details);
    const run = this.sqlite.transaction(() => {
      let n = 0;
      for (const t of this.s.targets.all() as Array<{ id: number; events: string | null }>) {
        if (!targetWants(t.events ? (t.events.split(',') as NotifyEvent[]) : undefined, event)) continue;
        n++;
        const last = this.s.last.get(t.id, event) as Pick<NotifyOutboxRow, 'id' | 'status' | 'window_at'> | undefined;
        if (last?.status === 'pending') {
          this.s.fold.run(now, last.id);
          continue;
        }
        const due = last && last.window_at > now - FOLD_WINDOW_MS ? last.window_at + FOLD_WINDOW_MS : now;
        this.s.insert.run(t.id, event, json, due, due, now, now);
      }
      return n;
    });
    return run.immediate();
  }

  /** Rows a stopped process was sending go back to the queue (a target may see one twice, never none). */
  resetInFlight(): number {
    return this.s.reset.run().changes;
  }

  due(now: number, limit: number): NotifyOutboxRow[] {
    return this.s.due.all(now, limit) as NotifyOutboxRow[];
  }

  nextDueAt(): number | undefined {
    return (this.s.nextDue.get() as { at: number | null }).at ?? undefined;
  }

  claim(id: number, now: number): boolean {
    return this.s.claim.run(now, id).changes === 1;
  }

  /** Back to pending without counting a try (shutdown while sending). */
  release(id: number, now: number): void {
    this.s.release.run(now, id);
  }

  markSent(id: number, attempts: number, now: number): void {
    this.s.sent.run(attempts, now, now, id);
  }

  markRetry(id: number, attempts: number, nextAt: number, error: string, now: number): void {
    this.s.retry.run(attempts, nextAt, now, error, id);
  }

  markFailed(id: number, attempts: number, error: string, now: number): void {
    this.s.failed.run(attempts, now, error, id);
  }

  record(d: NewDelivery): void {
    this.s.record.run(d.outboxId, d.targetId, d.masked, d.event, d.title, d.at, d.ok ? 1 : 0, d.status ?? null, d.error ?? null, d.attempt);
  }

  prune(now: number): void {
    this.s.pruneDeliveries.run();
    this.s.pruneOutbox.run(now - FINISHED_KEPT_MS);
  }

  waiting(): number {
    return (this.s.pending.get() as { n: number }).n;
  }
}
