/** Trakt's history items as mirror rows: pure, tested without HTTP. */
import type { TraktHistoryItem } from '../trakt/types.js';
import type { HistoryRow } from '../db/tables/history.js';

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** One history item as a row; undefined when it is not a play we can show (no id, no time, unknown type). */
export function historyRowOf(accountId: number, item: TraktHistoryItem): HistoryRow | undefined {
  const id = int(item?.id);
  const at = typeof item?.watched_at === 'string' ? Date.parse(item.watched_at) : NaN;
  if (id === null || !Number.isFinite(at)) return undefined;
  const base = {
    account_id: accountId,
    history_id: id,
    watched_at: at,
    action: str(item.action) ?? 'watch',
    movie_trakt: null,
    movie_imdb: null,
    movie_tmdb: null,
    show_trakt: null,
    show_imdb: null,
    show_tmdb: null,
    show_tvdb: null,
    season: null,
    number: null,
    episode_title: null,
    episode_trakt: null,
    episode_imdb: null,
    episode_tmdb: null,
    episode_tvdb: null,
  };
  if (item.type === 'movie' && item.movie) {
    const m = item.movie;
    return {
      ...base,
      type: 'movie',
      title: str(m.title) ?? 'Untitled movie',
      year: int(m.year),
      movie_trakt: int(m.ids?.trakt),
      movie_imdb: str(m.ids?.imdb),
      movie_tmdb: int(m.ids?.tmdb),
    };
  }
  if (item.type === 'episode' && item.episode) {
    const e = item.episode;
    const s = item.show;
    return {
      ...base,
      type: 'episode',
      title: str(s?.title) ?? 'Untitled show',
      year: int(s?.year),
      show_trakt: int(s?.ids?.trakt),
      show_imdb: str(s?.ids?.imdb),
      show_tmdb: int(s?.ids?.tmdb),
      show_tvdb: int(s?.ids?.tvdb),
      season: int(e.season),
      number: int(e.number),
      episode_title: str(e.title),
      episode_trakt: int(e.ids?.trakt),
      episode_imdb: str(e.ids?.imdb),
      episode_tmdb: int(e.ids?.tmdb),
      episode_tvdb: int(e.ids?.tvdb),
    };
  }
  return undefined;
}

/** "S01E05" */
export function episodeCode(season: number | null, number: number | null): string {
  const two = (n: number | null) => (n === null ? '??' : String(n).padStart(2, '0'));
  return `S${two(season)}E${two(number)}`;
}

/** The keyset cursor of a row: "<watched_at>.<history_id>". */
export function cursorOf(row: Pick<HistoryRow, 'watched_at' | 'history_id'>): string {
  return `${row.watched_at}.${row.history_id}`;
}

export function parseCursor(text: string | undefined): { watchedAt: number; historyId: number } | undefined {
  const m = /^(-?\d{1,16})\.(\d{1,20})$/.exec(text ?? '');
  if (!m) return undefined;
  const watchedAt = Number(m[1]);
  const historyId = Number(m[2]);
  return Number.isSafeInteger(watchedAt) && Number.isSafeInteger(historyId) ? { watchedAt, historyId } : undefined;
}
