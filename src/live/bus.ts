/**
 * The in-process live bus, in two layers. Domain code announces typed events (`emit`: a
 * sync run moved, a webhook event changed, a history refresh progressed); src/web listens
 * (`on`), renders HTML fragments and publishes them by topic, and the one SSE stream each
 * page opens forwards them to the browser. Closing the bus ends every stream, so the
 * server can shut down.
 */
import { EventEmitter } from 'node:events';
import type { HistoryRow } from '../db/tables/history.js';
import type { SyncRunRow } from '../db/tables/sync.js';
import type { LiveStatus } from '../plex-live/listener.js';
import type { NowPlayingSnapshot } from '../now-playing/service.js';

/** What domain code announces, by name. */
export interface DomainEvents {
  /** A sync run's row changed (progress, phase, the end). */
  'sync.progress': SyncRunRow;
  /** A stored webhook event changed (processed, failed, skipped). */
  'webhook.changed': { id: number };
  /** The live listener stored a new event (the worker takes it, the events page shows it). */
  'webhook.stored': { id: number };
  /** The live listener's connection or counts changed (the dashboard's Plex card). */
  'plex-live.status': LiveStatus;
  /** A play reached Trakt for this account (the history mirror looks soon). */
  'trakt.play': { traktAccountId: number };
  /** A history refresh started, moved or ended. */
  'history.progress': { accountId: number };
  /** A history refresh changed the mirror; `before` is the newest play before it. */
  'history.changed': { accountId: number; before: HistoryRow | undefined };
  /** What is playing on the Plex server changed (a session started, moved, paused or ended). */
  'now_playing.changed': NowPlayingSnapshot;
}

export interface LiveMessage {
  topic: string;
  /** HTML, usually one or more <hx-partial hx-target="#id"> elements. */
  html: string;
}

export class LiveBus {
  private emitter = new EventEmitter();
  private events = new EventEmitter();
  private closers = new Set<() => void>();
  private topicCounts = new Map<string, number>();
  closed = false;

  constructor() {
    this.emitter.setMaxListeners(0);
    this.events.setMaxListeners(0);
  }

  /** Announces a domain event; a listener that throws is logged by nobody and harms nobody. */
  emit<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {
    if (this.closed) return;
    for (const fn of this.events.listeners(name)) {
      try {
        (fn as (p: DomainEvents[K]) => void)(payload);
      } catch {
        /* a renderer's trouble is not the announcer's */
      }
    }
  }

  /** Listens to one domain event; returns unsubscribe. */
  on<K extends keyof DomainEvents>(name: K, fn: (payload: DomainEvents[K]) => void): () => void {
    this.events.on(name, fn);
    return () => void this.events.off(name, fn);
  }

  publish(topic: string, html: string): void {
    if (!this.closed) this.emitter.emit('message', { topic, html } satisfies LiveMessage);
  }

  /** Calls `onMessage` for each message on one of `topics`; `onClose` when the bus closes. Returns unsubscribe. */
  subscribe(topics: string[], onMessage: (m: LiveMessage) => void, onClose: () => void): () => void {
    const wanted = new Set(topics);
    const listener = (m: LiveMessage) => {
      if (wanted.has(m.topic) || wanted.has('*')) onMessage(m);
    };
    this.emitter.on('message', listener);
    this.closers.add(onClose);
    for (const t of wanted) this.topicCounts.set(t, (this.topicCounts.get(t) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.emitter.off('message', listener);
      this.closers.delete(onClose);
      for (const t of wanted) this.topicCounts.set(t, (this.topicCounts.get(t) ?? 1) - 1);
    };
  }

  /** Whether anyone listens to `topic`, so publishers can skip rendering for nobody. */
  hasSubscribers(topic: string): boolean {
    return (this.topicCounts.get(topic) ?? 0) > 0 || (this.topicCounts.get('*') ?? 0) > 0;
  }

  subscriberCount(): number {
    return this.emitter.listenerCount('message');
  }

  close(): void {
    this.closed = true;
    for (const close of [...this.closers]) close();
    this.closers.clear();
    this.emitter.removeAllListeners();
    this.events.removeAllListeners();
  }
}
