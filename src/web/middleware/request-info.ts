/** Facts about the incoming request that several middlewares need. */
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

export function isSecureRequest(c: Context<AppEnv>): boolean {
  if (c.req.header('x-forwarded-proto') === 'https') return true;
  try {
    return new URL(c.req.url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The client's address for throttling; behind a proxy the socket address is the proxy's, which is still safe. */
export function clientKey(c: Context<AppEnv>): string {
  return c.env?.incoming?.socket?.remoteAddress ?? 'local';
}

/** The origin users reach us at: PUBLIC_URL when set, else what the request says. */
export function publicOrigin(c: Context<AppEnv>): string {
  const configured = c.var.deps.config.publicUrl;
  if (configured) return configured;
  const url = new URL(c.req.url);
  const proto = c.req.header('x-forwarded-proto') ?? url.protocol.replace(':', '');
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? url.host;
  return `${proto}://${host}`;
}

export function isHtmx(c: Context<AppEnv>): boolean {
  return c.req.header('hx-request') === 'true';
}
