/**
 * Posters for the History page: TMDB ids → image URLs, cached in `tmdb_posters` (found:
 * 30 days; TMDB has none: 7 days; failures: 10 minutes), one lookup at a time per poster,
 * TMDB's budget shared through one throttle. Image URLs are built on TMDB_IMAGE_URL (the
 * origin the CSP allows); /configuration (cached 3 days) gives the poster sizes.
 */
import { cachedPosters, posterKey, storePoster } from '../db/repos/history-posters.js';
import { getSetting, setSetting } from '../db/repos/settings.js';
import type { PosterMedia } from '../db/tables/history.js';
import type { Core } from '../core.js';
import { loadTmdbApiKey } from './key-store.js';
import { TmdbClient, TmdbError, TmdbNotFoundError, tmdbGate, type FetchLike, type TmdbGate } from './client.js';

export { testTmdbKey } from './key.js';

const DAY = 86_400_000;
const CONFIG_SETTING = 'tmdb.configuration';
const WANTED_WIDTH = 154;

export interface PosterServiceOptions {
  fetch?: FetchLike;
  gate?: TmdbGate;
  timeoutMs?: number;
  okTtlMs?: number;
  missingTtlMs?: number;
  failureTtlMs?: number;
  configTtlMs?: number;
  now?: () => number;
}

export interface PosterWanted {
  media: PosterMedia;
  tmdbId: number;
}

/** What a page row shows: the image, "look it up" (a request of its own), or initials. */
export type PosterState = { kind: 'img'; url: string } | { kind: 'pending'; media: PosterMedia; tmdbId: number } | { kind: 'none' };

interface StoredConfig {
  size: string;
  fetchedAt: number;
}

/** The smallest poster size at least WANTED_WIDTH wide ("w154" on TMDB today). */
export function pickPosterSize(sizes: string[] | undefined): string {
  const widths = (sizes ?? []).map((s) => ({ s, w: /^w(\d+)$/.exec(s)?.[1] })).filter((x) => x.w).map((x) => ({ s: x.s, w: Number(x.w) }));
  widths.sort((a, b) => a.w - b.w);
  return widths.find((x) => x.w >= WANTED_WIDTH)?.s ?? widths.at(-1)?.s ?? 'w154';
}

export type PosterDeps = Pick<Core, 'config' | 'db' | 'sqlite' | 'cipher' | 'secretRegistry' | 'log'>;

export class PosterService {
  private readonly gate: TmdbGate;
  private inflight = new Map<string, Promise<string | null>>();

  constructor(
    private readonly deps: PosterDeps,
    readonly o: PosterServiceOptions = {},
  ) {
    this.gate = o.gate ?? tmdbGate();
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  async apiKey(): Promise<string | undefined> {
    return (await loadTmdbApiKey(this.deps)).key;
  }

  client(key: string): TmdbClient {
    return new TmdbClient({ apiUrl: this.deps.config.tmdb.apiUrl, key, fetch: this.o.fetch, gate: this.gate, timeoutMs: this.o.timeoutMs });
  }

  private async posterSize(client: TmdbClient): Promise<string> {
    const stored = await getSetting<StoredConfig>(this.deps.db, CONFIG_SETTING);
    if (stored && this.now() - stored.fetchedAt < (this.o.configTtlMs ?? 3 * DAY)) return stored.size;
    try {
      const cfg = await client.configuration();
      const size = pickPosterSize(cfg.images?.poster_sizes);
      await setSetting(this.deps.db, CONFIG_SETTING, { size, fetchedAt: this.now() } satisfies StoredConfig);
      return size;
    } catch (err) {
      if (err instanceof TmdbError && err.status === 401) throw err;
      return stored?.size ?? 'w154';
    }
  }

  imageUrl(path: string, size: string): string {
    return `${this.deps.config.tmdb.imageUrl.replace(/\/+$/, '')}/${size}${path}`;
  }

  private async storedSize(): Promise<string> {
    return (await getSetting<StoredConfig>(this.deps.db, CONFIG_SETTING))?.size ?? 'w154';
  }

  /** Page render: cached posters as images, the rest to look up (with a key) or initials (without). */
  async states(wanted: Array<PosterWanted | undefined>, enabled: boolean): Promise<PosterState[]> {
    const ids = wanted.filter((w): w is PosterWanted => !!w);
    const cached = cachedPosters(this.deps.sqlite, ids, this.now());
    const size = cached.size ? await this.storedSize() : 'w154';
    return wanted.map((w) => {
      if (!w) return { kind: 'none' };
      const row = cached.get(posterKey(w.media, w.tmdbId));
      if (row) return row.status === 'ok' && row.poster_path ? { kind: 'img', url: this.imageUrl(row.poster_path, size) } : { kind: 'none' };
      return enabled ? { kind: 'pending', media: w.media, tmdbId: w.tmdbId } : { kind: 'none' };
    });
  }

  /** One poster's URL (cached, else asked of TMDB once however many rows want it); null when there is none. */
  async poster(w: PosterWanted): Promise<string | null> {
    const k = posterKey(w.media, w.tmdbId);
    const cached = cachedPosters(this.deps.sqlite, [w], this.now()).get(k);
    if (cached) return cached.status === 'ok' && cached.poster_path ? this.imageUrl(cached.poster_path, await this.storedSize()) : null;
    let p = this.inflight.get(k);
    if (!p) {
      p = this.lookUp(w).finally(() => this.inflight.delete(k));
      this.inflight.set(k, p);
    }
    return p;
  }

  private async lookUp(w: PosterWanted): Promise<string | null> {
    const key = await this.apiKey();
    if (!key) return null;
    const client = this.client(key);
    const store = (posterPath: string | null, status: 'ok' | 'none' | 'error', ttlMs: number) =>
      storePoster(this.deps.sqlite, { media: w.media, tmdbId: w.tmdbId, posterPath, status, ttlMs }, this.now());
    try {
      const size = await this.posterSize(client);
      const path = await client.posterPath(w.media, w.tmdbId);
      store(path, path ? 'ok' : 'none', path ? (this.o.okTtlMs ?? 30 * DAY) : (this.o.missingTtlMs ?? 7 * DAY));
      return path ? this.imageUrl(path, size) : null;
    } catch (err) {
      if (err instanceof TmdbNotFoundError) store(null, 'none', this.o.missingTtlMs ?? 7 * DAY);
      else if (err instanceof TmdbError && err.status === 401) {
        // The key is wrong, not the poster: nothing to remember once the key is fixed in Settings.
        this.deps.log.warn({ component: 'tmdb' }, err.message);
      } else {
        store(null, 'error', this.o.failureTtlMs ?? 10 * 60_000);
        this.deps.log.debug({ component: 'tmdb', media: w.media, tmdbId: w.tmdbId, err: err instanceof Error ? err.message : String(err) }, 'poster lookup failed');
      }
      return null;
    }
  }
}
