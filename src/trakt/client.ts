/**
 * The Trakt API client for one account, as the webhook worker, the sync and the history
 * mirror use it: JSON helpers, pagination that believes Trakt's headers, and the
 * endpoints they need. Get THE client of an account from the registry (registry.ts), so
 * every user of an account spends the same budgets.
 */
import { errorForAnswer } from './errors.js';
import type { Query } from './http.js';
import { TraktTransport } from './client-core.js';
import type { TraktHistoryItem, TraktLastActivities, TraktRating, TraktUserSettings, TraktWatchedMovie, TraktWatchedShow } from './types.js';

export const MAX_PAGE_LIMIT = 250;

export interface PaginateOptions {
  /** Items per page asked for (capped at 250; Trakt may answer with fewer). */
  limit?: number;
  /** Safety bound on pages read. */
  maxPages?: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageCount: number | undefined;
  itemCount: number | undefined;
}

const num = (v: string | null): number | undefined => (v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

export type MediaKind = 'movies' | 'shows' | 'seasons' | 'episodes';
export type HistoryBody = Record<string, unknown>;

export class TraktClient extends TraktTransport {
  getJson<T = unknown>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  put<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  delete<T = unknown>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** Pages of a paginated list; the page count comes from X-Pagination-Page-Count, not from our limit. */
  async *pages<T>(path: string, query: Query = {}, o: PaginateOptions = {}): AsyncGenerator<Page<T>> {
    const limit = Math.min(MAX_PAGE_LIMIT, Math.max(1, o.limit ?? MAX_PAGE_LIMIT));
    const maxPages = o.maxPages ?? 10_000;
    for (let page = 1; page <= maxPages; page++) {
      const answer = await this.send('GET', path, { query: { ...query, page, limit } });
      if (answer.status < 200 || answer.status >= 300) {
        throw errorForAnswer('GET', path, answer);
      }
      const items = Array.isArray(answer.body) ? (answer.body as T[]) : [];
      const pageCount = num(answer.headers.get('x-pagination-page-count'));
      const served = num(answer.headers.get('x-pagination-limit')) ?? limit;
      yield { items, page, pageCount, itemCount: num(answer.headers.get('x-pagination-item-count')) };
      if (pageCount !== undefined ? page >= pageCount : items.length < served) return;
    }
  }

  /** Every item of a paginated list, page by page. */
  async *paginate<T>(path: string, query: Query = {}, o: PaginateOptions = {}): AsyncGenerator<T> {
    for await (const p of this.pages<T>(path, query, o)) yield* p.items;
  }

  async all<T>(path: string, query: Query = {}, o: PaginateOptions = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.paginate<T>(path, query, o)) out.push(item);
    return out;
  }

  // --- the endpoints the service uses ---

  userSettings(): Promise<TraktUserSettings> {
    return this.getJson('/users/settings');
  }

  lastActivities(): Promise<TraktLastActivities> {
    return this.getJson('/sync/last_activities');
  }

  watchedMovies(): AsyncGenerator<TraktWatchedMovie> {
    return this.paginate('/sync/watched/movies');
  }

  /** Shows with seasons and episodes (extended=progress: Trakt leaves seasons out otherwise since 2026). */
  watchedShows(): AsyncGenerator<TraktWatchedShow> {
    return this.paginate('/sync/watched/shows', { extended: 'progress' });
  }

  /** History (newest first); start_at/end_at filter on watched_at. */
  history(o: { type?: MediaKind; startAt?: Date | number; endAt?: Date | number; extended?: string } = {}, p?: PaginateOptions): AsyncGenerator<TraktHistoryItem> {
    const iso = (d?: Date | number) => (d === undefined ? undefined : new Date(d).toISOString());
    return this.paginate(o.type ? `/sync/history/${o.type}` : '/sync/history', { start_at: iso(o.startAt), end_at: iso(o.endAt), extended: o.extended }, p);
  }

  addHistory<T = unknown>(body: HistoryBody): Promise<T> {
    return this.post('/sync/history', body);
  }

  removeHistory<T = unknown>(body: HistoryBody): Promise<T> {
    return this.post('/sync/history/remove', body);
  }

  ratings(type?: MediaKind): AsyncGenerator<TraktRating> {
    return this.paginate(type ? `/sync/ratings/${type}` : '/sync/ratings');
  }

  addRatings<T = unknown>(body: HistoryBody): Promise<T> {
    return this.post('/sync/ratings', body);
  }

  removeRatings<T = unknown>(body: HistoryBody): Promise<T> {
    return this.post('/sync/ratings/remove', body);
  }

  scrobble<T = unknown>(action: 'start' | 'pause' | 'stop', body: Record<string, unknown>): Promise<T> {
    return this.post(`/scrobble/${action}`, body);
  }

  /** Look an item up by an external id (imdb, tmdb, tvdb, trakt). */
  searchById<T = unknown[]>(idType: 'imdb' | 'tmdb' | 'tvdb' | 'trakt', id: string | number, type?: 'movie' | 'show' | 'episode'): Promise<T> {
    return this.getJson(`/search/${idType}/${encodeURIComponent(String(id))}`, { type });
  }

  playback<T = unknown[]>(type?: 'movies' | 'episodes'): Promise<T> {
    return this.getJson(type ? `/sync/playback/${type}` : '/sync/playback');
  }
}
