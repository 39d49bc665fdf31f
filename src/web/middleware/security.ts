/** Secure response headers: a strict CSP (no CDN, no inline script), no framing, no sniffing. */
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../../config/env.js';

export function securityHeaders(config: Config) {
  let imageOrigin = '';
  try {
    imageOrigin = new URL(config.tmdb.imageUrl).origin;
  } catch {
    /* validated at start-up */
  }
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', ...(imageOrigin ? [imageOrigin] : [])],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      objectSrc: ["'none'"],
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false, // set by the TLS-terminating proxy, not a plain-HTTP home server
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
  });
}
