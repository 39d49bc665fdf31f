/** Static assets served from the installed packages and the built CSS: never from a CDN. */
import { Hono } from 'hono';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AppEnv } from './env.js';
import { projectRoot } from '../paths.js';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function load(file: string | string[], type: string): Asset | undefined {
  try {
    // Several files are served as one, so an extension registers in the same tick as htmx itself.
    const body = Buffer.concat((Array.isArray(file) ? file : [file]).flatMap((f) => [fs.readFileSync(f), Buffer.from('\n;\n')]));
    return { body, type, etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"` };
  } catch {
    return undefined;
  }
}

export function staticRoutes() {
  const require = createRequire(import.meta.url);
  const root = projectRoot();
  const htmxDir = path.dirname(require.resolve('htmx.org/dist/htmx.min.js'));
  const assets: Record<string, () => Asset | undefined> = {
    // htmx with its SSE extension in one file: a separate deferred script can register too late,
    // after htmx has already processed the page, and then no live stream connects.
    'htmx.js': () => load([path.join(htmxDir, 'htmx.min.js'), path.join(htmxDir, 'ext', 'hx-sse.min.js')], 'text/javascript; charset=utf-8'),
    'app.js': () => load(path.join(root, 'public', 'app.js'), 'text/javascript; charset=utf-8'),
    'favicon.svg': () => load(path.join(root, 'public', 'favicon.svg'), 'image/svg+xml'),
    'app.css': () => load(path.join(root, 'dist', 'public', 'app.css'), 'text/css; charset=utf-8'),
  };
  const cache = new Map<string, Asset>();
  const app = new Hono<AppEnv>();
  app.get('/static/:name', (c) => {
    const name = c.req.param('name');
    const loader = assets[name];
    if (!loader) return c.notFound();
    let asset = cache.get(name);
    if (!asset) {
      asset = loader();
      if (!asset) {
        c.var.deps.log.warn({ component: 'web', asset: name }, 'static asset missing; run npm run build');
        return c.text(`/* ${name} is missing: run npm run build */`, 404);
      }
      cache.set(name, asset);
    }
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
    c.header('content-type', asset.type);
    c.header('etag', asset.etag);
    c.header('cache-control', 'no-cache');
    return c.body(new Uint8Array(asset.body));
  });
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));
  return app;
}
