/**
 * The in-process live bus: features publish rendered HTML fragments by topic, and the
 * one SSE stream each page opens forwards them to the browser. Closing the bus ends
 * every stream, so the server can shut down.
 */
import { EventEmitter } from 'node:events';

export interface LiveMessage {
  topic: string;
  /** HTML, usually one or more <hx-partial hx-target="#id"> elements. */
  html: string;
}

export class LiveBus {
  private emitter = new EventEmitter();
  private closers = new Set<() => void>();
  private topicCounts = new Map<string, number>();
  closed = false;

  constructor() {
    this.emitter.setMaxListeners(0);
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
  }
}
