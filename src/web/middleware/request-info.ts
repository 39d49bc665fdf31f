/** Facts about the incoming request that several middlewares need. */
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

/** HTTPS as the browser sees it: a proxy that says so, an https PUBLIC_URL, or TLS here. */
export function isSecureRequest(c: Context<AppEnv>): boolean {
  if (c.req.header('x-forwarded-proto') === 'https') return true;
  if (c.var.deps?.config.publicUrl?.startsWith('https:')) return true;
  try {
    return new URL(c.req.url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** An address in one spelling: `::ffff:1.2.3.4` is 1.2.3.4; IPv6 in eight groups without leading zeros. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

/** What guesses are counted by: the address, or for IPv6 its /64 (one home or host holds a whole /64). */
export function addressKey(address: string): string {
  const a = normalizeAddress(address);
  return a.includes(':') ? `${a.split(':').slice(0, 4).join(':')}::/64` : a;
}

/**
 * The client's address, for throttling guesses. The socket's peer, except when that peer is a
 * proxy named in TRUST_PROXY: then the nearest X-Forwarded-For address that is not itself a
 * trusted proxy. X-Forwarded-For from anyone else is ignored (anyone can write it).
 */
export function clientKey(c: Context<AppEnv>): string {
  const peer = c.env?.incoming?.socket?.remoteAddress;
  if (!peer) return 'local';
  const trusted = new Set((c.var.deps.config.trustProxy ?? []).map(normalizeAddress));
  if (!trusted.has(normalizeAddress(peer))) return addressKey(peer);
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted.has(normalizeAddress(hops[i]!))) return addressKey(hops[i]!);
  }
  return addressKey(peer);
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
