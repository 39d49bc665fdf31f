/**
 * The image host (`image.tmdb.org/t/p/{size}/{file}`): any TMDB-style file name gets a
 * generated PNG sized by the size key, with long-lived cache headers and an ETag, as a CDN
 * would send, so a browser loads and caches posters from the emulator itself.
 */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { colourFor, posterPng } from './png.js';

/** The size keys /configuration lists (2022 snapshot in API.md C). */
export const IMAGE_SIZES = {
  backdrop_sizes: ['w300', 'w780', 'w1280', 'original'],
  logo_sizes: ['w45', 'w92', 'w154', 'w185', 'w300', 'w500', 'original'],
  poster_sizes: ['w92', 'w154', 'w185', 'w342', 'w500', 'w780', 'original'],
  profile_sizes: ['w45', 'w185', 'h632', 'original'],
  still_sizes: ['w92', 'w185', 'w300', 'original'],
} as const;

export const IMAGE_PATH_PREFIX = '/t/p/';
const KNOWN_SIZES = new Set<string>(Object.values(IMAGE_SIZES).flat());
const FILE = /^[A-Za-z0-9_-]{1,64}\.(jpg|jpeg|png)$/;
/** "original" is far smaller than TMDB's (often 2000×3000): these are placeholders. */
const ORIGINAL: [number, number] = [1000, 1500];
const LAST_MODIFIED = 'Mon, 01 Jan 2024 00:00:00 GMT';
const CACHE_LIMIT = 256;

/** Pixel size for a size key, posters' 2:3 shape throughout. */
export function dimensions(size: string): [number, number] | undefined {
  if (!KNOWN_SIZES.has(size)) return undefined;
  if (size === 'original') return ORIGINAL;
  const n = Number(size.slice(1));
  return size.startsWith('w') ? [n, Math.round((n * 3) / 2)] : [Math.round((n * 2) / 3), n];
}

export class ImageHost {
  private cache = new Map<string, { png: Buffer; etag: string }>();
  served = 0;

  handle(req: FakeRequest): FakeResponse {
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD' }, body: '' };
    const [size = '', file = '', ...rest] = req.path.slice(IMAGE_PATH_PREFIX.length).split('/');
    const dims = dimensions(size);
    if (!dims || rest.length > 0 || !FILE.test(file)) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    const key = `${size}/${file}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = { png: posterPng(dims[0], dims[1], colourFor(file)), etag: `"${size}-${file.replace(/\W/g, '')}"` };
      // Bounded: a browser test scrolling thousands of posters must not grow memory forever.
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, hit);
    }
    const headers: Record<string, string> = {
      'cache-control': 'public, max-age=31536000, immutable',
      etag: hit.etag,
      'last-modified': LAST_MODIFIED,
      'access-control-allow-origin': '*',
    };
    if (req.headers['if-none-match'] === hit.etag) return { status: 304, headers, body: '' };
    this.served += 1;
    return { status: 200, headers: { ...headers, 'content-type': 'image/png', 'content-length': String(hit.png.length) }, body: hit.png };
  }
}
