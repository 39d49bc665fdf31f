/**
 * "What is playing now", kept fresh without asking Plex per page view: one request to
 * `/status/sessions` at a time, a page view reuses an answer younger than `maxAgeMs`, and the
 * poll (every `intervalMs`) runs only while someone is looking (`wanted()`, e.g. a dashboard's
 * open live stream). A webhook or a live session event `poke()`s it for an answer within a
 * second. Each change is announced on the bus (`now_playing.changed`); the web layer renders it.
 */
import type { ExternalIds } from '../ledger/item-key.js';
import type { PlexSession } from '../plex/types.js';
import { nowPlayingOf, sameSnapshot, type NowPlaying } from './sessions.js';

export interface NowPlayingSource {
  /** The server's live sessions; null when no Plex server is connected. Throws when it does not answer. */
  sessions(): Promise<PlexSession[] | null>;
  /** A movie's or a show's external ids (for its poster); null when Plex has none. */
  ids(ratingKey: string): Promise<ExternalIds | null>;
}

export type NowPlayingSnapshot =
  | { kind: 'ok'; items: NowPlaying[]; checkedAt: number }
  | { kind: 'no_server'; checkedAt: number }
  | { kind: 'error'; message: string; checkedAt: number; items: NowPlaying[] };

export interface NowPlayingOptions {
  source: NowPlayingSource;
  log: { debug(obj: object, msg?: string): void };
  /** Where changes are announced (`now_playing.changed`). */
  bus?: { emit(name: 'now_playing.changed', payload: NowPlayingSnapshot): void };
  /** Whether anyone is looking; the poll skips Plex when not. */
  wanted: () => boolean;
  now?: () => number;
  intervalMs?: number;
  maxAgeMs?: number;
  pokeDelayMs?: number;
}

const IDS_CACHE_MAX = 500;

export class NowPlayingService {
  private last: NowPlayingSnapshot | null = null;
  private inflight: Promise<NowPlayingSnapshot> | null = null;
  private listeners = new Set<(s: NowPlayingSnapshot) => void>();
  private idsCache = new Map<string, ExternalIds | null>();
  private timer: NodeJS.Timeout | null = null;
  private pokeTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Requests made to Plex, for tests and the curious. */
  requests = 0;

  constructor(private readonly o: NowPlayingOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** The last answer, without asking Plex (null before the first). */
  peek(): NowPlayingSnapshot | null {
    return this.last;
  }

  /** A recent answer: the cached one when younger than maxAgeMs, else one fresh request (shared by concurrent callers). */
  async current(): Promise<NowPlayingSnapshot> {
    if (this.last && this.now() - this.last.checkedAt < (this.o.maxAgeMs ?? 5_000)) return this.last;
    return this.refresh();
  }

  /** Asks Plex now (joining a request already under way) and tells listeners when the picture changed. */
  refresh(): Promise<NowPlayingSnapshot> {
    this.inflight ??= this.load().finally(() => (this.inflight = null));
    return this.inflight;
  }

  onChange(listener: (s: NowPlayingSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something happened on the server (a webhook, a session event): look again shortly, if anyone is looking. */
  poke(): void {
    if (this.stopped) return;
    // Whatever is cached is out of date now: the next page view asks Plex instead of showing it.
    if (this.last) this.last = { ...this.last, checkedAt: 0 };
    if (this.pokeTimer || !this.o.wanted()) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = null;
      void this.refresh();
    }, this.o.pokeDelayMs ?? 300);
    this.pokeTimer.unref();
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      if (this.o.wanted()) void this.refresh();
    }, this.o.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.timer = this.pokeTimer = null;
    this.listeners.clear();
    await this.inflight?.catch(() => undefined);
  }

  private async posterIds(key: string): Promise<ExternalIds | null> {
    if (this.idsCache.has(key)) return this.idsCache.get(key)!;
    try {
      const ids = await this.o.source.ids(key);
      if (this.idsCache.size >= IDS_CACHE_MAX) this.idsCache.clear();
      this.idsCache.set(key, ids);
      return ids;
    } catch {
      return null; // not cached: asked again on the next look
    }
  }

  private async load(): Promise<NowPlayingSnapshot> {
    const checkedAt = this.now();
    let next: NowPlayingSnapshot;
    try {
      this.requests++;
      const sessions = await this.o.source.sessions();
      if (sessions === null) next = { kind: 'no_server', checkedAt };
      else {
        const rows = sessions.map(nowPlayingOf).filter((r): r is Omit<NowPlaying, 'posterIds'> => !!r);
        const items: NowPlaying[] = [];
        for (const r of rows) items.push({ ...r, posterIds: await this.posterIds(r.posterKey) });
        next = { kind: 'ok', items, checkedAt };
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.o.log.debug({ component: 'now-playing', err: message }, 'Plex sessions not read');
      next = { kind: 'error', message, checkedAt, items: this.last && this.last.kind !== 'no_server' ? this.last.items : [] };
    }
    const changed = !this.last || this.last.kind !== next.kind || !sameSnapshot(itemsOf(this.last), itemsOf(next));
    this.last = next;
    if (changed && !this.stopped) {
      this.o.bus?.emit('now_playing.changed', next);
      for (const l of [...this.listeners]) l(next);
    }
    return next;
  }
}

export function itemsOf(s: NowPlayingSnapshot | null): NowPlaying[] {
  return s && s.kind !== 'no_server' ? s.items : [];
}

export function createNowPlaying(o: NowPlayingOptions): NowPlayingService {
  return new NowPlayingService(o);
}
