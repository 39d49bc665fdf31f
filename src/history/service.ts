/**
 * The history mirror as the service runs it: one HistoryService per process, one mirror per
 * connected Trakt account (the owner's and each household member's), each refreshed through
 * that account's own client (its own budgets), so one account's failure or 429 never holds
 * up another's. Refreshes are debounced (a burst of scrobbles is one refresh), serialized per
 * account, and held under a database lease so two processes never walk the same history at
 * once. The background refresher fills each mirror on start and as soon as an account is
 * connected (here or by the CLI), checks Trakt's last activities every 15 minutes, forces a
 * count check daily, and refreshes after each finished sync run and each webhook play (the bus
 * event `trakt.play`, announced by the event worker). An account that is no longer connected
 * is not refreshed; its rows are kept (see `run`). It announces its progress and changes on
 * the bus (`history.progress`, `history.changed`); src/web renders them.
 */
import crypto from 'node:crypto';
import { tryAcquireLease } from '../db/repos/locks.js';
import { newestPlay } from '../db/repos/history-plays.js';
import { lastRuns } from '../db/repos/sync-runs.js';
import { getTraktAccount, listTraktAccounts } from '../db/repos/trakt-accounts.js';
import { accountsWithoutMirror } from '../db/repos/history-state.js';
import { metrics } from '../metrics/registry.js';
import type { Core } from '../core.js';
import type { TraktClientRegistry } from '../trakt/registry.js';
import { HistoryMirror, type MirrorOptions, type MirrorProgress, type RefreshResult } from './mirror.js';
import { traktHistorySource, type HistorySource } from './source.js';

export type RefreshMode = 'auto' | 'full' | 'check';

export interface HistoryServiceOptions {
  /** Wait after a request before refreshing, so a burst is one refresh (default 2 s). */
  debounceMs?: number;
  /** Last-activities check interval (default 15 min). */
  intervalMs?: number;
  /** Forced count check interval, even when last activities did not move (default 24 h). */
  forcedCheckMs?: number;
  /** How often to look for finished sync runs (default 20 s). */
  runPollMs?: number;
  /** Delay of the first refresh after start (default 1 s). */
  startDelayMs?: number;
  /** A failed refresh is tried again after this long (default 5 min: longer than Trakt's lockout). */
  retryAfterFailureMs?: number;
  /** Tests: the Trakt side of an account. */
  source?: (accountId: number) => Promise<HistorySource>;
  mirror?: Omit<MirrorOptions, 'onProgress' | 'shouldStop'>;
}

export class HistorySkippedError extends Error {}

const refreshes = metrics.counter('pts_history_refreshes_total', 'Trakt history mirror refreshes by kind and result.');
const historyRequests = metrics.counter('pts_history_trakt_requests_total', 'Trakt requests made by the history mirror.');

const MODE_RANK: Record<RefreshMode, number> = { auto: 0, check: 1, full: 2 };
const LEASE_TTL_MS = 120_000;

export type HistoryDeps = Pick<Core, 'db' | 'sqlite' | 'log' | 'bus'> & { traktClients: TraktClientRegistry };

export class HistoryService {
  /** The refresh running now, per account (for the page's progress line). */
  readonly running = new Map<number, MirrorProgress>();
  readonly lastResult = new Map<number, RefreshResult>();
  private chains = new Map<number, Promise<unknown>>();
  private pending = new Map<number | 'all', { mode: RefreshMode; timer: NodeJS.Timeout }>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe?: () => void;
  private stopped = false;
  private lastForcedAt = 0;
  private lastRunSeen: number | undefined;
  private readonly owner = `history-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;

  constructor(
    private readonly deps: HistoryDeps,
    readonly options: HistoryServiceOptions = {},
  ) {}

  /** Debounced refresh of one account (or every connected one). Never throws. */
  request(accountId?: number, mode: RefreshMode = 'auto', delayMs = this.options.debounceMs ?? 2000): void {
    if (this.stopped) return;
    const key = accountId ?? 'all';
    const prev = this.pending.get(key);
    const chosen = prev && MODE_RANK[prev.mode] > MODE_RANK[mode] ? prev.mode : mode;
    if (prev) clearTimeout(prev.timer);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      void this.accounts(accountId).then((ids) => Promise.all(ids.map((id) => this.refreshNow(id, chosen).catch(() => undefined))));
    }, delayMs);
    timer.unref();
    this.pending.set(key, { mode: chosen, timer });
  }

  private async accounts(accountId?: number): Promise<number[]> {
    if (accountId !== undefined) return [accountId];
    return (await listTraktAccounts(this.deps.db)).filter((a) => a.status === 'connected').map((a) => a.id);
  }

  /** Refreshes now (after any refresh of the same account already running); rejects with the error. */
  refreshNow(accountId: number, mode: RefreshMode = 'auto'): Promise<RefreshResult> {
    const prev = this.chains.get(accountId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.run(accountId, mode));
    this.chains.set(accountId, next);
    void next.catch(() => undefined).finally(() => {
      if (this.chains.get(accountId) === next) this.chains.delete(accountId);
    });
    return next;
  }

  private async run(accountId: number, mode: RefreshMode): Promise<RefreshResult> {
    const { deps } = this;
    if (this.stopped) throw new HistorySkippedError('The service is stopping.');
    // A disconnected account (or one whose sign-in Trakt refused) is not read: its mirror stops
    // where it was. Its rows stay: they are that Trakt account's own history, nobody's page shows
    // them while it is unlinked, and connecting the same Trakt user again (the same account row)
    // goes on from them with an incremental refresh instead of a whole new fill. No retry here:
    // connecting again starts the refresher again.
    const account = await getTraktAccount(deps.db, accountId);
    if (account?.status !== 'connected') throw new HistorySkippedError(`Trakt account ${accountId} is not connected; its history is not refreshed.`);
    const lease = await tryAcquireLease(deps.db, `history:${accountId}`, this.owner, LEASE_TTL_MS);
    if (!lease) {
      // Another process is refreshing this history: look again later.
      this.request(accountId, mode, 60_000);
      throw new HistorySkippedError('Another process is refreshing this Trakt history.');
    }
    const before = newestPlay(deps.sqlite, accountId);
    const t0 = Date.now();
    try {
      const source = this.options.source ? await this.options.source(accountId) : traktHistorySource(await deps.traktClients.forAccount(accountId));
      const mirror = new HistoryMirror(deps, accountId, source, {
        ...this.options.mirror,
        shouldStop: () => this.stopped,
        onProgress: (p) => {
          this.running.set(accountId, p);
          void lease.renew();
          deps.bus.emit('history.progress', { accountId });
        },
      });
      this.running.set(accountId, { kind: mode === 'full' ? 'full' : 'check', pagesDone: 0, itemsDone: 0 });
      const result = await mirror.refresh(mode);
      this.lastResult.set(accountId, result);
      refreshes.inc({ kind: result.kind, result: result.changed ? 'changed' : 'unchanged' });
      historyRequests.inc(undefined, result.requests);
      const log = result.changed ? deps.log.info.bind(deps.log) : deps.log.debug.bind(deps.log);
      log({ component: 'history', accountId, ...result, ms: Date.now() - t0 }, result.changed ? `Trakt history refreshed: ${result.added} new, ${result.removed} removed` : 'Trakt history unchanged');
      if (result.changed) deps.bus.emit('history.changed', { accountId, before });
      return result;
    } catch (err) {
      refreshes.inc({ kind: mode, result: 'failed' });
      if (!this.stopped) this.request(accountId, mode === 'full' ? 'full' : 'auto', this.options.retryAfterFailureMs ?? 5 * 60_000);
      if (!this.stopped) deps.log.warn({ component: 'history', accountId, err: err instanceof Error ? err.message : String(err) }, 'Trakt history refresh failed; the mirror keeps what it had');
      throw err;
    } finally {
      this.running.delete(accountId);
      await lease.release().catch(() => undefined);
      deps.bus.emit('history.progress', { accountId });
    }
  }

  /** Background refresher: first fill, periodic checks, after sync runs and webhook plays. */
  start(): void {
    const o = this.options;
    this.request(undefined, 'auto', o.startDelayMs ?? 1000);
    this.lastForcedAt = Date.now();
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(o.intervalMs ?? 15 * 60_000, () => {
      const forced = Date.now() - this.lastForcedAt >= (o.forcedCheckMs ?? 24 * 3600_000);
      if (forced) this.lastForcedAt = Date.now();
      this.request(undefined, forced ? 'check' : 'auto', 0);
    });
    every(o.runPollMs ?? 20_000, () => {
      void this.checkRuns();
      void this.fillNewAccounts();
    });
    void this.checkRuns();
    this.unsubscribe = this.deps.bus.on('trakt.play', ({ traktAccountId }) => this.request(traktAccountId));
  }

  /**
   * An account connected since (a person's device login on the settings page, `login trakt
   * --person` in another process) has no mirror yet: its first fill starts in the background.
   * The web layer also asks at once after a login; this catches every other way in.
   */
  private async fillNewAccounts(): Promise<void> {
    try {
      for (const id of await accountsWithoutMirror(this.deps.db)) {
        if (!this.chains.has(id) && !this.pending.has(id)) this.request(id, 'auto', 0);
      }
    } catch (err) {
      this.deps.log.debug({ component: 'history', err: String(err) }, 'new account check failed');
    }
  }

  /** A sync run that finished since we last looked (here or in another process) may have added plays. */
  private async checkRuns(): Promise<void> {
    try {
      const [run] = await lastRuns(this.deps.db, 1);
      const done = run && run.status !== 'running' ? run.id : undefined;
      if (this.lastRunSeen !== undefined && done !== undefined && done !== this.lastRunSeen && !run!.dry_run) this.request();
      if (done !== undefined || this.lastRunSeen === undefined) this.lastRunSeen = done ?? 0;
    } catch (err) {
      this.deps.log.debug({ component: 'history', err: String(err) }, 'sync run check failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.unsubscribe?.();
    // A refresh stops between pages; a Trakt request in flight is not waited for beyond a few seconds.
    const grace = new Promise<void>((r) => setTimeout(r, 3000).unref());
    await Promise.race([Promise.allSettled([...this.chains.values()]), grace]);
  }
}
