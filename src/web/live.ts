/**
 * The one SSE stream a page opens (`hx-sse:connect="/live?topics=a,b"`): every live
 * region of that page is fed from it. Each message is HTML that htmx swaps in
 * (usually <hx-partial> elements aimed at the regions). Streams end when the bus closes.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from './env.js';

const KEEPALIVE_MS = 25_000;

export function liveRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/live', (c) => {
    const { bus } = c.var.deps;
    const topics = (c.req.query('topics') ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    return streamSSE(c, async (stream) => {
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      const queue: string[] = [];
      let writing = false;
      const pump = async () => {
        if (writing) return;
        writing = true;
        while (queue.length && !stream.aborted) await stream.writeSSE({ data: queue.shift()! });
        writing = false;
      };
      const unsubscribe = bus.subscribe(topics, (m) => {
        queue.push(m.html);
        void pump();
      }, done);
      const keepalive = setInterval(() => void stream.write(': keepalive\n\n'), KEEPALIVE_MS);
      stream.onAbort(done);
      if (bus.closed) done();
      await finished;
      clearInterval(keepalive);
      unsubscribe();
    });
  });
  return app;
}
