/**
 * The narrow view of Trakt the history mirror needs: last activities and walks over
 * /sync/history pages (newest first, optionally limited to a watched_at range). The
 * production source is the shared per-account Trakt client; tests may pass their own.
 */
import type { TraktClient } from '../trakt/client.js';
import type { TraktHistoryItem } from '../trakt/types.js';
import type { ActivityMarks } from '../db/repos/history-state.js';

export interface HistoryPageAnswer {
  items: TraktHistoryItem[];
  page: number;
  /** X-Pagination-Item-Count: plays in the whole (ranged) list. */
  itemCount: number | undefined;
  pageCount: number | undefined;
}

export interface HistoryWalk {
  /** watched_at bounds, epoch ms, inclusive; undefined = open. */
  startAt?: number;
  endAt?: number;
  limit: number;
}

export interface HistorySource {
  lastActivities(): Promise<ActivityMarks>;
  /** Pages newest first; the caller may stop early (return from the loop). */
  walk(w: HistoryWalk): AsyncIterable<HistoryPageAnswer>;
}

const mark = (group: unknown): string | null => {
  const v = (group as Record<string, unknown> | undefined)?.watched_at;
  return typeof v === 'string' ? v : null;
};

export function traktHistorySource(client: TraktClient): HistorySource {
  return {
    async lastActivities() {
      const a = await client.lastActivities();
      return { movies: mark(a.movies), episodes: mark(a.episodes) };
    },
    walk(w) {
      const iso = (t?: number) => (t === undefined ? undefined : new Date(t).toISOString());
      return client.pages<TraktHistoryItem>('/sync/history', { start_at: iso(w.startAt), end_at: iso(w.endAt), extended: 'full' }, { limit: w.limit });
    },
  };
}
