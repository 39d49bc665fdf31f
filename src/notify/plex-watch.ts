/**
 * Whether the Plex server answers: a light probe every minute (and any report from code that
 * talks to Plex anyway). Down for more than 10 minutes raises plex.unreachable once; the first
 * answer after that raises plex.recovered. Short outages (a restart, an update) say nothing.
 */
import type { Notifier } from './notifier.js';

export const PLEX_DOWN_AFTER_MS = 10 * 60_000;

export interface PlexWatchOptions {
  notifier: Notifier;
  /** Resolves true when Plex answered, false when no server is connected (no opinion); throws when it did not answer. */
  probe: () => Promise<boolean>;
  now?: () => number;
  everyMs?: number;
  downAfterMs?: number;
}

export class PlexWatch {
  private downSince: number | undefined;
  private lastReason = '';
  private told = false;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;

  constructor(private readonly o: PlexWatchOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.o.everyMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.probing;
  }

  /** One probe now (the timer's tick; tests call it with a moved clock). */
  check(): Promise<void> {
    this.probing ??= this.o
      .probe()
      .then(
        (answered) => (answered ? this.report(true) : this.reset()),
        (err: unknown) => this.report(false, err instanceof Error ? err.message : String(err)),
      )
      .finally(() => (this.probing = undefined));
    return this.probing;
  }

  /** Code that talked to Plex says how it went (the live listener, the sync). */
  report(ok: boolean, reason = ''): void {
    const now = this.now();
    if (ok) {
      if (this.told && this.downSince !== undefined) this.o.notifier.raise('plex.recovered', { downForMs: now - this.downSince });
      this.reset();
      return;
    }
    this.downSince ??= now;
    this.lastReason = reason || this.lastReason;
    if (!this.told && now - this.downSince >= (this.o.downAfterMs ?? PLEX_DOWN_AFTER_MS)) {
      this.told = true;
      this.o.notifier.raise('plex.unreachable', { downForMs: now - this.downSince, reason: this.lastReason || undefined });
    }
  }

  private reset(): void {
    this.downSince = undefined;
    this.told = false;
    this.lastReason = '';
  }
}
