/**
 * The event worker: woken in-process the moment an event is stored (plus a slow safety
 * poll), it processes each item's events in order and several items at once (a small
 * limit). Failures wait with jittered backoff; after a bounded number of attempts the
 * event is `failed` (dead letter) and the others keep flowing.
 */
import type { Db } from '../db/database.js';
import type { WebhookEventRow } from '../db/tables/webhooks.js';
import { deferWebhookEvent, finishWebhookEvent, getWebhookEvent, pendingWebhookEvents, type PendingEvent } from '../db/repos/webhook-events.js';
import type { ExternalIds } from '../ledger/item-key.js';
import { settleIntents } from '../ledger/settle-intents.js';
import type { Logger } from '../log/logger.js';
import { webhookDecisions, webhookFailures } from './metrics.js';
import type { ScrobblePorts } from './ports.js';
import { processEvent, type EventResult } from './process-event.js';
import type { WebhookQueueHandle } from './queue-handle.js';
import type { Notifier } from '../notify/notifier.js';

export interface WorkerOptions {
  concurrency?: number;
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (jittered), capped at maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  safetyPollMs?: number;
  now?: () => number;
}

export interface WorkerDeps {
  db: Db;
  log: Logger;
  ports: ScrobblePorts;
  /** Called after an event changed (to re-render its row on the page). */
  onChange?: (eventId: number) => void;
  /** Called after a play reached Trakt (to refresh the history mirror). */
  onPlay?: (traktAccountId: number) => void;
  /** Raises scrobble.failed for a dead-lettered event (queued; never waits for delivery). */
  notifier?: Notifier;
}

const SCAN = 500;

export class EventWorker implements WebhookQueueHandle {
  private readonly opts: Required<WorkerOptions>;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly showIds = new Map<string, ExternalIds | null>();
  private pumping = false;
  /** The queue read under way, which stop() waits for (it must not outlive the database). */
  private pumpRun: Promise<void> = Promise.resolve();
  private again = false;
  private stopped = true;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private safetyTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly deps: WorkerDeps, opts: WorkerOptions = {}) {
    this.opts = {
      concurrency: opts.concurrency ?? 4,
      // 20 attempts (5 s doubling, capped at 10 min, jittered) wait out about 1-2 hours of Trakt
      // being down or locked (a tripped limit locks for 5 min) before an event is dead-lettered.
      maxAttempts: opts.maxAttempts ?? 20,
      backoffMs: opts.backoffMs ?? 5_000,
      maxBackoffMs: opts.maxBackoffMs ?? 10 * 60_000,
      safetyPollMs: opts.safetyPollMs ?? 30_000,
      now: opts.now ?? Date.now,
    };
  }

  /** Settles webhook intents a crash left behind (per Trakt account), then processes what is pending. */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      for (const account of await this.deps.ports.traktAccounts()) {
        const writer = await this.deps.ports.traktWriter(account.id);
        if (!writer) continue;
        // Only webhook rows: a sync (maybe a CLI run in another process) settles its own.
        const r = await settleIntents(this.deps.db, writer.probe, { accountId: account.id, source: 'webhook' });
        if (r.found + r.absent + r.other + r.skipped > 0) this.deps.log.info({ component: 'scrobble', ...r, traktAccountId: account.id }, 'settled writes left unanswered by a restart');
      }
    } catch (err) {
      // Each event settles its own intents before sending again, so this can wait.
      this.deps.log.warn({ component: 'scrobble', err }, 'could not settle unanswered writes at start; events will check before sending');
    }
    this.safetyTimer = setInterval(() => this.wake(), this.opts.safetyPollMs);
    this.safetyTimer.unref();
    this.wake();
  }

  /** Stops taking events and waits for the ones in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.safetyTimer);
    clearTimeout(this.retryTimer);
    await this.pumpRun;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  get ports(): ScrobblePorts {
    return this.deps.ports;
  }

  wake(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.pumpRun = this.pump();
      else this.settleIdle();
    });
  }

  /** Resolves when nothing is pending (that can run now) and nothing is in flight: for tests and the CLI. */
  idle(): Promise<void> {
    if (!this.pumping && this.inFlight.size === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        // Every slot busy: the first to finish wakes the worker again, so there is nothing to read yet.
        if (this.inFlight.size >= this.opts.concurrency) break;
        const rows = await pendingWebhookEvents(this.deps.db, SCAN);
        const now = this.opts.now();
        const blocked = new Set(this.inFlight.keys());
        let nextRetry = Infinity;
        for (const row of rows) {
          if (this.stopped || this.inFlight.size >= this.opts.concurrency) break;
          const lane = laneOf(row);
          if (blocked.has(lane)) continue;
          blocked.add(lane); // later events of this item wait for this one
          if (row.next_attempt_at > now) {
            nextRetry = Math.min(nextRetry, row.next_attempt_at);
            continue;
          }
          this.launch(row, lane);
        }
        if (nextRetry < Infinity && !this.stopped) {
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.wake(), Math.max(10, nextRetry - now));
          this.retryTimer.unref();
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.log.error({ component: 'scrobble', err }, 'the event queue could not be read');
    } finally {
      this.pumping = false;
      this.settleIdle();
    }
  }

  private launch(pending: PendingEvent, lane: string): void {
    const run = this.runPending(pending.id).finally(() => {
      this.inFlight.delete(lane);
      this.wake();
      this.settleIdle();
    });
    this.inFlight.set(lane, run);
  }

  private settleIdle(): void {
    if (this.pumping || this.inFlight.size > 0 || this.scheduled) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Reads the whole event (its payload) only now that it runs; one that is no longer pending is left alone. */
  private async runPending(id: number): Promise<void> {
    const row = await getWebhookEvent(this.deps.db, id);
    if (row?.status === 'pending') await this.runOne(row);
  }

  private async runOne(row: WebhookEventRow): Promise<void> {
    const { db, log } = this.deps;
    let result: EventResult;
    try {
      result = await processEvent({ db, ports: this.deps.ports, now: this.opts.now, showIds: this.showIds }, row);
    } catch (err) {
      log.error({ component: 'scrobble', err, eventId: row.id }, 'processing a webhook event failed');
      result = { status: 'retry', reason: `Processing failed: ${(err as Error).message}` };
    }
    const now = this.opts.now();
    const attempts = row.attempts + 1;
    if (result.status === 'retry' && attempts < this.opts.maxAttempts) {
      const delay = backoff(attempts, this.opts.backoffMs, this.opts.maxBackoffMs);
      await deferWebhookEvent(db, row.id, attempts, now + delay, result.reason, result.answer, now);
      log.warn({ component: 'scrobble', eventId: row.id, event: row.event, attempt: attempts, retryInMs: delay, reason: result.reason }, 'webhook event will be retried');
    } else {
      const status = result.status === 'retry' ? 'failed' : result.status;
      const reason = result.status === 'retry' ? `Gave up after ${attempts} attempts. ${result.reason}` : result.reason;
      await finishWebhookEvent(db, row.id, { status, reason, traktAnswer: result.answer, traktAccountId: result.traktAccountId ?? null, attempts }, now);
      webhookDecisions.inc({ event: row.event, status });
      if (status === 'failed') {
        webhookFailures.inc();
        this.deps.notifier?.raise('scrobble.failed', { eventId: row.id, event: row.event, title: row.title, account: row.account_title, reason });
      }
      log[status === 'failed' ? 'warn' : 'info'](
        { component: 'scrobble', eventId: row.id, event: row.event, status, reason, item: row.title },
        `webhook ${row.event}: ${status}`,
      );
      if (result.status === 'sent' && result.play && result.traktAccountId != null) this.deps.onPlay?.(result.traktAccountId);
    }
    this.deps.onChange?.(row.id);
  }
}

/** Events of one item on one server share a lane: they are processed one at a time, in order. */
export function laneOf(row: Pick<WebhookEventRow, 'id' | 'server_uuid' | 'rating_key'>): string {
  return row.rating_key === null ? `event:${row.id}` : `${row.server_uuid ?? '?'}:${row.rating_key}`;
}

/** Exponential backoff with full jitter in [½, 1] of the step. */
export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}
