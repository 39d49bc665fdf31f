/**
 * Every body but the webhook's is small: dashboard forms are a few fields, API bodies a few
 * flags. A larger one is refused with 413 before anything reads it (a declared length is
 * refused at once; a chunked body is read only up to the limit) and before the session is
 * checked, so an unsigned-in client cannot make the process hold a big body in memory.
 * The webhook route reads its own body with its own limits (src/web/webhooks.ts).
 */
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

export const DASHBOARD_BODY_BYTES = 16 * 1024;
export const API_BODY_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  bodyLimit({
    maxSize: limit,
    onError: (c) => {
      // The rest is not read into memory: @hono/node-server discards what still comes (at most
      // 64 MB or half a second), then closes, so the client can read this answer first.
      return c.text(`The request body is larger than ${limit / 1024} KB, more than any form here sends. Reload the page and try again.`, 413);
    },
  });

export function limitBodies() {
  const dashboard = tooLarge(DASHBOARD_BODY_BYTES);
  const api = tooLarge(API_BODY_BYTES);
  return createMiddleware<AppEnv>(async function limit(c, next) {
    const path = c.req.path;
    if (path.startsWith('/webhooks/')) return next();
    return (path.startsWith('/api/') ? api : dashboard)(c, next);
  });
}
