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
    return () => {
      this.emitter.off('message', listener);
      this.closers.delete(onClose);
    };
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
