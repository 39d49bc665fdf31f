/**
 * Notifications for one process: the Notifier that domain code raises events on (a queued
 * row, nothing more), the background delivery, and the test that Settings and the API run
 * (sent at once to every target, answers returned). Built from a narrow list of needs.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import type { Logger } from '../log/logger.js';
import type { Cipher } from '../security/crypto.js';
import { DeliveryWorker, type DeliveryOptions } from './delivery.js';
import { composeMessage, type NotifyDetails, type NotifyEvent } from './events.js';
import type { Notifier } from './notifier.js';
import { Outbox } from './outbox.js';
import { deliver } from './senders.js';
import { loadTarget, loadTargets } from './targets.js';
import type { NotifyTarget } from './urls.js';

export interface NotifyServiceDeps {
  db: Db;
  sqlite: BetterSqlite3.Database;
  cipher: Cipher;
  log: Logger;
  /** Every secret inside a target URL is registered here, so no log line shows it. */
  secrets?: { add(value: string | undefined | null): void };
  publicUrl?: string;
}

/** One target's answer to a test, as the API returns it: the URL masked. */
export interface TestResult {
  url: string;
  ok: boolean;
  status?: number;
  error?: string;
}

export class NotificationService implements Notifier {
  readonly outbox: Outbox;
  readonly delivery: DeliveryWorker;
  private readonly now: () => number;

  constructor(
    private readonly deps: NotifyServiceDeps,
    private readonly opts: DeliveryOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.outbox = new Outbox(deps.sqlite);
    this.delivery = new DeliveryWorker(
      {
        outbox: this.outbox,
        log: deps.log,
        publicUrl: deps.publicUrl,
        target: async (id) => {
          const t = await loadTarget(deps.db, deps.cipher, id);
          if (t) this.registerSecrets(t.target);
          return t;
        },
      },
      opts,
    );
  }

  /** Queues the event for every target that wants it; never throws, never waits. */
  raise(event: NotifyEvent, details: NotifyDetails = {}): void {
    try {
      const n = this.outbox.enqueue(event, details, this.now());
      if (n > 0) this.delivery.wake();
    } catch (err) {
      this.deps.log.error({ component: 'notify', event, err }, `the ${event} notification could not be queued`);
    }
  }

  /** Starts delivery; the stored URLs' secrets are registered first, so no log line can show them. */
  async start(): Promise<void> {
    for (const t of await loadTargets(this.deps.db, this.deps.cipher)) this.registerSecrets(t.target);
    this.delivery.start();
  }

  stop(): Promise<void> {
    return this.delivery.stop();
  }

  /** Sends notify.test to every target now and returns each answer (recorded like any delivery). */
  async test(): Promise<TestResult[]> {
    const targets = await loadTargets(this.deps.db, this.deps.cipher);
    const message = composeMessage('notify.test', {}, this.deps.publicUrl);
    return Promise.all(
      targets.map(async ({ id, target }) => {
        this.registerSecrets(target);
        const answer = await deliver(target, message, this.opts);
        this.outbox.record({ outboxId: null, targetId: id, masked: target.masked, event: 'notify.test', title: message.title, at: this.now(), ok: answer.ok, status: answer.status, error: answer.error, attempt: 1 });
        this.deps.log[answer.ok ? 'info' : 'warn']({ component: 'notify', target: target.masked, status: answer.status, error: answer.error }, `test notification to ${target.masked}: ${answer.ok ? 'delivered' : answer.error}`);
        const r: TestResult = { url: target.masked, ok: answer.ok };
        if (answer.status !== undefined) r.status = answer.status;
        if (answer.error !== undefined) r.error = answer.error;
        return r;
      }),
    );
  }

  private registerSecrets(t: NotifyTarget): void {
    for (const s of t.secrets) this.deps.secrets?.add(s);
  }
}
