/**
 * The live listener: turns one Plex server's play notifications into events in the
 * webhook table (source `live`), which the event worker then handles as it handles
 * webhooks. Who played comes from `/status/sessions` on the first notification of a
 * session (remembered: the session is gone from that list by the time it stops); what was
 * played from the item's metadata, cached. A session that falls silent and is gone from
 * the server's list ended without a word (a crashed player): it is stopped where it was.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { insertWebhookEvent } from '../db/repos/webhook-events.js';
import type { Logger } from '../log/logger.js';
import type { PlexMetadata, PlexSession } from '../plex/types.js';
import { parsePayload, summarize } from '../scrobble/payload.js';
import { progressPercent } from '../scrobble/rules.js';
import { LiveConnection, type ConnectionOptions, type ConnectionStatus, type SocketTarget } from './connection.js';
import { MetadataCache } from './metadata-cache.js';
import { liveEventsStored, liveNotifications, liveReconnects } from './metrics.js';
import { parseFrame, type PlayNotification } from './notification.js';
import { livePayload } from './payload.js';
import { advance, DEFAULT_STEP_OPTIONS, eventFor, nextStep, type SessionWho, type Step, type StepOptions, type TrackedSession } from './tracker.js';

/** The connected server as the listener needs it: where, as whom, its identity, and two reads. */
export interface LiveTarget extends SocketTarget {
  /**
   * Its machine identifier (events carry it as Server.uuid, as webhooks do), asked when an event is
   * stored (the server just spoke, so it answers); null when it cannot be known.
   */
  identity(): Promise<string | null>;
  sessions(): Promise<PlexSession[]>;
  metadata(ratingKey: string): Promise<PlexMetadata | null>;
}

export interface LiveListenerNeeds {
  sqlite: BetterSqlite3.Database;
  log: Logger;
  target(): Promise<LiveTarget | null>;
  /** The watched threshold in percent (a setting, 90 by default). */
  threshold(): Promise<number>;
  /** An event was stored: wake the worker, show the row. */
  onStored(eventId: number): void;
  onStatus(status: LiveStatus): void;
  /** After a reconnect: a quick incremental sync catches up what the gap hid. */
  catchUp(): Promise<void>;
  now?: () => number;
}

export interface LiveListenerOptions {
  connection?: ConnectionOptions;
  steps?: Partial<StepOptions>;
  /** How often silent sessions are looked for, and how long a session may be silent before the server is asked. */
  sweepEveryMs?: number;
  silentAfterMs?: number;
  metadataTtlMs?: number;
}

export interface LiveStatus {
  connection: ConnectionStatus;
  sessions: number;
  eventsStored: number;
  notifications: number;
}

export class LiveListener {
  private readonly sessions = new Map<string, TrackedSession>();
  /** Each session's notifications are handled one after another (lookups must not reorder them). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly connection: LiveConnection;
  private readonly metadata: MetadataCache;
  private readonly steps: StepOptions;
  private readonly now: () => number;
  private current: LiveTarget | null = null;
  private sweepTimer: NodeJS.Timeout | undefined;
  private counts = { eventsStored: 0, notifications: 0 };
  private readonly sweepEveryMs: number;
  private readonly silentAfterMs: number;

  constructor(private readonly needs: LiveListenerNeeds, opts: LiveListenerOptions = {}) {
    this.now = needs.now ?? Date.now;
    this.steps = { ...DEFAULT_STEP_OPTIONS, ...opts.steps };
    this.sweepEveryMs = opts.sweepEveryMs ?? 30_000;
    this.silentAfterMs = opts.silentAfterMs ?? 90_000;
    this.metadata = new MetadataCache((rk) => this.requireTarget().metadata(rk), opts.metadataTtlMs ?? 10 * 60_000, this.now);
    this.connection = new LiveConnection(
      {
        target: async () => {
          const t = await needs.target();
          if (t && (t.url !== this.current?.url || t.token !== this.current?.token)) this.forgetServer();
          this.current = t;
          return t;
        },
        onFrame: (text) => this.onFrame(text),
        onStatus: (s) => {
          if (s.state === 'reconnecting') liveReconnects.inc();
          this.publish();
        },
        onReconnected: () => void this.afterReconnect(),
        onProblem: (reason, attempt, unauthorized) =>
          needs.log[attempt === 1 || unauthorized ? 'warn' : 'info']({ component: 'plex-live', attempt, reason }, `live sessions: ${reason}; trying again`),
      },
      { now: this.now, ...opts.connection },
    );
  }

  /** True once started in this process (the CLI builds the listener but never starts it). */
  started = false;

  start(): void {
    this.started = true;
    this.connection.start();
    this.sweepTimer = setInterval(() => void this.sweep(false), this.sweepEveryMs);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.connection.stop();
    await Promise.allSettled([...this.chains.values()]);
  }

  poke(): void {
    this.connection.poke();
  }

  status(): LiveStatus {
    return { connection: this.connection.status, sessions: this.sessions.size, ...this.counts };
  }

  /** Resolves when every notification received so far has been handled (tests, the bench). */
  async settled(): Promise<void> {
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
  }

  private publish(): void {
    this.needs.onStatus(this.status());
  }

  private requireTarget(): LiveTarget {
    if (!this.current) throw new Error('no Plex server is connected');
    return this.current;
  }

  private forgetServer(): void {
    this.sessions.clear();
    this.metadata.clear();
  }

  private onFrame(text: string): void {
    const frame = parseFrame(text);
    if (!frame?.plays) return; // timeline, activity, transcodeSession… are not plays
    for (const n of frame.plays) {
      this.counts.notifications += 1;
      liveNotifications.inc({ state: n.state });
      this.enqueue(n.sessionKey, () => this.handle(n));
    }
  }

  private enqueue(sessionKey: string, job: () => Promise<void>): void {
    const prev = this.chains.get(sessionKey) ?? Promise.resolve();
    const next = prev.then(job).catch((err: unknown) => {
      this.needs.log.warn({ component: 'plex-live', err: err instanceof Error ? err.message : String(err), sessionKey }, 'a live session notification could not be handled');
    });
    this.chains.set(sessionKey, next);
    void next.finally(() => {
      if (this.chains.get(sessionKey) === next) this.chains.delete(sessionKey);
    });
  }

  private async handle(n: PlayNotification): Promise<void> {
    const now = this.now();
    let prev = this.sessions.get(n.sessionKey);
    if (prev && prev.ratingKey !== n.ratingKey) {
      // The same session moved on to the next item (a play queue): the first one ended where it was.
      await this.finish(prev, prev.viewOffset, 'stopped');
      prev = undefined;
    }
    let who = prev?.who ?? null;
    if (!who) who = await this.whoPlays(n.sessionKey);
    if (!who) {
      if (n.state === 'stopped') {
        this.sessions.delete(n.sessionKey);
        this.needs.log.info({ component: 'plex-live', sessionKey: n.sessionKey, ratingKey: n.ratingKey }, 'a play stopped before the server said who watched it; the next sync catches it up');
        return;
      }
      // Not listed yet (the server lists a session a moment after it starts): ask again next time.
      this.sessions.set(n.sessionKey, advance(prev, n, null, now, null));
      return;
    }
    const step = nextStep(prev, n, now, this.steps);
    if (step === 'stop') {
      await this.finish({ ...(prev ?? advance(undefined, n, null, now, who)), who }, n.viewOffset, 'stopped');
      return;
    }
    this.sessions.set(n.sessionKey, advance(prev, n, step, now, who));
    if (step) await this.store(step, n.sessionKey, n.ratingKey, who, n.viewOffset, n.state);
  }

  private async finish(s: TrackedSession, viewOffset: number, state: string): Promise<void> {
    this.sessions.delete(s.sessionKey);
    if (s.who) await this.store('stop', s.sessionKey, s.ratingKey, s.who, viewOffset, state);
  }

  private async whoPlays(sessionKey: string): Promise<SessionWho | null> {
    const list = await this.requireTarget().sessions();
    const s = list.find((x) => String(x.sessionKey) === sessionKey);
    if (!s) return null;
    const id = Number(s.User?.id);
    return {
      accountId: Number.isFinite(id) && s.User?.id !== undefined ? Math.trunc(id) : null,
      accountTitle: s.User?.title ?? null,
      playerTitle: s.Player?.title ?? null,
      playerUuid: s.Player?.machineIdentifier ?? null,
    };
  }

  private async store(step: Exclude<Step, null>, sessionKey: string, ratingKey: string, who: SessionWho, viewOffset: number, state: string): Promise<void> {
    const target = this.requireTarget();
    const item = await this.metadata.get(ratingKey);
    if (!item) {
      this.needs.log.info({ component: 'plex-live', ratingKey }, 'a played item is no longer on the Plex server; nothing to scrobble');
      return;
    }
    if (item.type !== 'movie' && item.type !== 'episode') return; // music, clips, trailers: not for Trakt
    const threshold = await this.needs.threshold();
    const percent = progressPercent(viewOffset, typeof item.duration === 'number' ? item.duration : null);
    const event = eventFor(step, percent, threshold);
    const uuid = await target.identity().catch(() => null);
    const payload = livePayload({ event, who, server: { uuid, title: target.name }, item, viewOffset, sessionKey, state, threshold });
    const text = JSON.stringify(payload);
    const id = insertWebhookEvent(this.needs.sqlite, { ...summarize(parsePayload(text)), receivedAt: this.now(), payload: text, source: 'live' });
    this.counts.eventsStored += 1;
    liveEventsStored.inc({ event });
    this.needs.log.debug({ component: 'plex-live', eventId: id, event, sessionKey, ratingKey, percent }, `live ${event}`);
    this.needs.onStored(id);
  }

  /** After a gap: sessions that ended meanwhile are stopped where they were last seen; then the catch-up sync. */
  private async afterReconnect(): Promise<void> {
    await this.sweep(true);
    try {
      await this.needs.catchUp();
    } catch (err) {
      this.needs.log.warn({ component: 'plex-live', err: err instanceof Error ? err.message : String(err) }, 'the catch-up sync after a reconnect did not start');
    }
  }

  /** Asks the server about sessions that went silent (all of them after a reconnect); those gone are stopped. */
  private async sweep(all: boolean): Promise<void> {
    const now = this.now();
    const silent = [...this.sessions.values()].filter((s) => all || now - s.seenAt >= this.silentAfterMs);
    if (silent.length === 0 || !this.current) return;
    let listed: PlexSession[];
    try {
      listed = await this.requireTarget().sessions();
    } catch (err) {
      this.needs.log.debug({ component: 'plex-live', err: err instanceof Error ? err.message : String(err) }, 'silent sessions not checked: the server did not answer');
      return;
    }
    const byKey = new Map(listed.map((s) => [String(s.sessionKey), s]));
    for (const s of silent) {
      this.enqueue(s.sessionKey, async () => {
        const cur = this.sessions.get(s.sessionKey);
        if (!cur || cur.seenAt > now) return; // it spoke meanwhile
        const still = byKey.get(s.sessionKey);
        if (still && String(still.ratingKey) === cur.ratingKey) {
          const offset = typeof still.viewOffset === 'number' ? still.viewOffset : cur.viewOffset;
          this.sessions.set(s.sessionKey, { ...cur, seenAt: this.now(), viewOffset: offset, offsetAt: this.now() });
          return;
        }
        await this.finish(cur, cur.viewOffset, 'vanished');
      });
    }
  }
}
