/**
 * Delivery in the background: takes due rows from the outbox, at most one request per target
 * at a time and a few overall, and settles each with the target's answer: sent, or retried
 * with backoff (a 429's wait honoured), or given up after a day. Every attempt is recorded.
 * The clock is injectable: tests move time and call runDue() instead of waiting.
 */
import type { Logger } from '../log/logger.js';
import { metrics } from '../metrics/registry.js';
import type { NotifyOutboxRow } from '../db/tables/notify.js';
import { composeMessage, type NotifyDetails, type NotifyEvent } from './events.js';
import type { Outbox } from './outbox.js';
import { deliver, type SendOptions } from './senders.js';
import type { StoredTarget } from './targets.js';

const deliveries = metrics.counter('pts_notifications_total', 'Notification delivery attempts, by event and result (sent, retry, failed).');

export interface DeliveryOptions extends SendOptions {
  now?: () => number;
  random?: () => number;
  /** Requests in flight at once, over all targets (one per target). */
  concurrency?: number;
  /** First retry after this long, doubling per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A message still not delivered after this long is given up (and shown as failed). */
  giveUpAfterMs?: number;
  /** Looks for rows queued by another process (the CLI's sync). */
  safetyPollMs?: number;
}

export interface DeliveryDeps {
  outbox: Outbox;
  log: Logger;
  publicUrl?: string;
  /** The target of an outbox row (opened from its sealed URL); undefined when it is gone. */
  target(id: number): Promise<StoredTarget | undefined>;
}

export class DeliveryWorker {
  private readonly o: Required<Pick<DeliveryOptions, 'now' | 'random' | 'concurrency' | 'backoffMs' | 'maxBackoffMs' | 'giveUpAfterMs' | 'safetyPollMs'>>;
  private readonly inFlight = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private running = false;
  /** Aborts requests in flight on stop: a hanging target must not hold up shutdown. */
  private stopping = new AbortController();
  private scheduled = false;

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly opts: DeliveryOptions = {},
  ) {
    this.o = {
      now: opts.now ?? Date.now,
      random: opts.random ?? Math.random,
      concurrency: opts.concurrency ?? 4,
      backoffMs: opts.backoffMs ?? 30_000,
      maxBackoffMs: opts.maxBackoffMs ?? 10 * 60_000,
      giveUpAfterMs: opts.giveUpAfterMs ?? 24 * 3600_000,
      safetyPollMs: opts.safetyPollMs ?? 30_000,
    };
  }

  /** Rows a stopped process was sending go back to the queue; then delivery starts. */
  start(): void {
    const reset = this.deps.outbox.resetInFlight();
    if (reset) this.deps.log.info({ component: 'notify', rows: reset }, `${reset} notification(s) that were being sent when the service stopped are queued again`);
    this.running = true;
    this.stopping = new AbortController();
    let prunedAt = 0;
    this.poll = setInterval(() => {
      // Old delivery records and finished rows go, about once an hour.
      if (Date.now() - prunedAt > 3600_000) {
        prunedAt = Date.now();
        this.deps.outbox.prune(this.o.now());
      }
      this.wake();
    }, this.o.safetyPollMs);
    this.poll.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.poll);
    clearTimeout(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Something was queued: look at the outbox soon (not now: the raiser must not wait). */
  wake(): void {
    if (!this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.running) return;
      try {
        this.launchDue();
      } catch (err) {
        this.deps.log.error({ component: 'notify', err }, 'the notification queue could not be read');
      }
    });
  }

  /** Sends what is due now (by the clock); with `wait`, until nothing due is left; for tests and the CLI. */
  async runDue(wait = true): Promise<void> {
    do {
      this.launchDue();
      if (!wait) return;
      await Promise.allSettled([...this.inFlight.values()]);
    } while (!this.stopping.signal.aborted && this.deps.outbox.due(this.o.now(), 1).length > 0);
  }

  private launchDue(): void {
    if (this.stopping.signal.aborted) return;
    const now = this.o.now();
    for (const row of this.deps.outbox.due(now, 100)) {
      if (this.inFlight.size >= this.o.concurrency) break;
      if (this.inFlight.has(row.target_id)) continue; // one at a time per target, in order
      if (!this.deps.outbox.claim(row.id, now)) continue;
      const job = this.send(row)
        .catch((err) => {
          const now = this.o.now();
          this.deps.outbox.markRetry(row.id, row.attempts + 1, now + this.o.backoffMs, String(err), now);
          this.deps.log.error({ component: 'notify', err }, 'a notification could not be sent');
        })
        .finally(() => {
          this.inFlight.delete(row.target_id);
          this.wake();
        });
      this.inFlight.set(row.target_id, job);
    }
    this.schedule();
  }

  /** Delivers what is due, bounded by `ms` of real time (a CLI run before it exits): requests still out then are cut and stay queued. */
  async drain(ms: number): Promise<void> {
    const deadline = setTimeout(() => this.stopping.abort(), ms);
    try {
      await this.runDue(true);
    } finally {
      clearTimeout(deadline);
      if (this.stopping.signal.aborted && !this.running) this.stopping = new AbortController();
    }
  }

  private schedule(): void {
    if (!this.running) return;
    const next = this.deps.outbox.nextDueAt();
    clearTimeout(this.timer);
    if (next === undefined) return;
    this.timer = setTimeout(() => this.wake(), Math.min(2 ** 31 - 1, Math.max(10, next - this.o.now())));
    this.timer.unref();
  }

  private async send(row: NotifyOutboxRow): Promise<void> {
    const { outbox, log } = this.deps;
    const stored = await this.deps.target(row.target_id);
    const attempt = row.attempts + 1;
    if (!stored) {
      outbox.markFailed(row.id, attempt, 'The target is gone or its URL can no longer be opened (was secret.key replaced?).', this.o.now());
      return;
    }
    const details = JSON.parse(row.details) as NotifyDetails;
    const message = composeMessage(row.event as NotifyEvent, details, this.deps.publicUrl, row.folded);
    const answer = await deliver(stored.target, message, this.opts, this.stopping.signal);
    const now = this.o.now();
    if (answer.stopped) {
      outbox.release(row.id, now); // sent again by the next start (the target may see it twice, never not at all)
      return;
    }
    outbox.record({ outboxId: row.id, targetId: stored.id, masked: stored.target.masked, event: row.event, title: message.title, at: now, ok: answer.ok, status: answer.status, error: answer.error, attempt });
    const where = { component: 'notify', target: stored.target.masked, event: row.event, attempt };
    if (answer.ok) {
      deliveries.inc({ event: row.event, result: 'sent' });
      outbox.markSent(row.id, attempt, now);
      log.info({ ...where, status: answer.status }, `notification ${row.event} delivered to ${stored.target.masked}`);
      return;
    }
    const error = `${stored.target.masked} ${answer.error ?? 'did not take it'}`;
    if (now - row.created_at >= this.o.giveUpAfterMs) {
      deliveries.inc({ event: row.event, result: 'failed' });
      outbox.markFailed(row.id, attempt, `${error}; given up after ${attempt} attempts.`, now);
      log.warn({ ...where, error: answer.error }, `notification ${row.event} to ${stored.target.masked} given up after ${attempt} attempts: check the URL in Settings → Notifications`);
      return;
    }
    const step = Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** (attempt - 1));
    const wait = Math.max(answer.retryAfterMs ?? 0, Math.round(step * (0.75 + this.o.random() * 0.25)));
    deliveries.inc({ event: row.event, result: 'retry' });
    outbox.markRetry(row.id, attempt, now + wait, error, now);
    log.warn({ ...where, error: answer.error, retryInMs: wait }, `notification ${row.event} to ${stored.target.masked} not delivered (${answer.error}); trying again in ${Math.round(wait / 1000)} s`);
  }
}
