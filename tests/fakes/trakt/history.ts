/**
 * One user's watch history: every play (Trakt keeps duplicates), indexed by item, with watched
 * aggregates kept up to date on each write and sorted views built once per change, so paging
 * through 100k plays costs a binary search and a slice per request.
 */
import type { CatEpisode, CatMovie, CatSeason, CatShow } from './catalogue.js';

export type HistoryAction = 'scrobble' | 'checkin' | 'watch';

export interface Play {
  id: number; // history id
  item: CatMovie | CatEpisode;
  watchedAt: number; // epoch ms, whole seconds
  action: HistoryAction;
}

export interface WatchStat {
  plays: number;
  lastWatchedAt: number;
  lastUpdatedAt: number;
}

export interface ShowStat extends WatchStat {
  show: CatShow;
  episodes: Map<CatEpisode, WatchStat>;
}

export type HistoryFilter =
  | { type?: undefined }
  | { type: 'movies' | 'episodes' | 'shows' | 'seasons'; item?: CatMovie | CatShow | CatSeason | CatEpisode };

const newestFirst = (a: Play, b: Play) => b.watchedAt - a.watchedAt || b.id - a.id;

export class History {
  private byId = new Map<number, Play>();
  private byItem = new Map<CatMovie | CatEpisode, Set<Play>>();
  readonly movieStats = new Map<CatMovie, WatchStat>();
  readonly episodeStats = new Map<CatEpisode, WatchStat>();
  /** Watched episodes per show: the source of /sync/watched/shows. */
  readonly showEpisodes = new Map<CatShow, Set<CatEpisode>>();
  /** When the user started re-watching a show (reset_at). */
  readonly resetAt = new Map<CatShow, number>();
  private views = new Map<string, unknown>();

  constructor(private nextId: () => number) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: number): Play | undefined {
    return this.byId.get(id);
  }

  plays(): IterableIterator<Play> {
    return this.byId.values();
  }

  playsOf(item: CatMovie | CatEpisode): Play[] {
    return [...(this.byItem.get(item) ?? [])];
  }

  add(item: CatMovie | CatEpisode, watchedAt: number, action: HistoryAction, updatedAt: number): Play {
    const play: Play = { id: this.nextId(), item, watchedAt, action };
    this.byId.set(play.id, play);
    let set = this.byItem.get(item);
    if (!set) this.byItem.set(item, (set = new Set()));
    set.add(play);
    const stats = item.kind === 'movie' ? this.movieStats : this.episodeStats;
    const stat = (stats as Map<CatMovie | CatEpisode, WatchStat>).get(item);
    if (stat) {
      stat.plays += 1;
      stat.lastWatchedAt = Math.max(stat.lastWatchedAt, watchedAt);
      stat.lastUpdatedAt = Math.max(stat.lastUpdatedAt, updatedAt);
    } else {
      (stats as Map<CatMovie | CatEpisode, WatchStat>).set(item, { plays: 1, lastWatchedAt: watchedAt, lastUpdatedAt: updatedAt });
    }
    if (item.kind === 'episode') {
      let eps = this.showEpisodes.get(item.show);
      if (!eps) this.showEpisodes.set(item.show, (eps = new Set()));
      eps.add(item);
    }
    if (this.views.size > 0) this.views.clear();
    return play;
  }

  remove(play: Play, updatedAt: number): void {
    if (!this.byId.delete(play.id)) return;
    const set = this.byItem.get(play.item)!;
    set.delete(play);
    const item = play.item;
    const stats = (item.kind === 'movie' ? this.movieStats : this.episodeStats) as Map<CatMovie | CatEpisode, WatchStat>;
    if (set.size === 0) {
      this.byItem.delete(item);
      stats.delete(item);
      if (item.kind === 'episode') {
        const eps = this.showEpisodes.get(item.show)!;
        eps.delete(item);
        if (eps.size === 0) this.showEpisodes.delete(item.show);
      }
    } else {
      let last = 0;
      for (const p of set) last = Math.max(last, p.watchedAt);
      stats.set(item, { plays: set.size, lastWatchedAt: last, lastUpdatedAt: updatedAt });
    }
    if (this.views.size > 0) this.views.clear();
  }

  /** Every play of an item, newest first, or of every episode of a show/season. */
  private collect(item: CatMovie | CatShow | CatSeason | CatEpisode): Play[] {
    if (item.kind === 'movie' || item.kind === 'episode') return this.playsOf(item);
    const eps = this.showEpisodes.get(item.kind === 'show' ? item : item.show) ?? new Set<CatEpisode>();
    const out: Play[] = [];
    for (const e of eps) if (item.kind === 'show' || e.seasonRef === item) out.push(...this.byItem.get(e)!);
    return out;
  }

  /** Plays matching a filter, newest first (cached until the next write). */
  view(filter: HistoryFilter): Play[] {
    const key = filter.type ? `${filter.type}:${filter.item ? `${filter.item.kind}${filter.item.trakt}` : '*'}` : 'all';
    const cached = this.views.get(key) as Play[] | undefined;
    if (cached) return cached;
    let list: Play[];
    if (filter.type && filter.item) list = this.collect(filter.item);
    else if (filter.type === 'movies') list = [...this.byId.values()].filter((p) => p.item.kind === 'movie');
    else if (filter.type) list = [...this.byId.values()].filter((p) => p.item.kind === 'episode');
    else list = [...this.byId.values()];
    list.sort(newestFirst);
    this.views.set(key, list);
    return list;
  }

  /** Movies with plays, most recently watched first (cached until the next write). */
  watchedMovies(): Array<[CatMovie, WatchStat]> {
    const cached = this.views.get('watched:movies') as Array<[CatMovie, WatchStat]> | undefined;
    if (cached) return cached;
    const list = [...this.movieStats].sort((a, b) => b[1].lastWatchedAt - a[1].lastWatchedAt || a[0].trakt - b[0].trakt);
    this.views.set('watched:movies', list);
    return list;
  }

  /** Shows with at least one watched episode, with per-episode stats. */
  watchedShows(): ShowStat[] {
    const cached = this.views.get('watched:shows') as ShowStat[] | undefined;
    if (cached) return cached;
    const list: ShowStat[] = [];
    for (const [show, eps] of this.showEpisodes) {
      const stat: ShowStat = { show, plays: 0, lastWatchedAt: 0, lastUpdatedAt: 0, episodes: new Map() };
      for (const e of eps) {
        const s = this.episodeStats.get(e)!;
        stat.episodes.set(e, s);
        stat.plays += s.plays;
        stat.lastWatchedAt = Math.max(stat.lastWatchedAt, s.lastWatchedAt);
        stat.lastUpdatedAt = Math.max(stat.lastUpdatedAt, s.lastUpdatedAt);
      }
      list.push(stat);
    }
    list.sort((a, b) => b.lastWatchedAt - a.lastWatchedAt || a.show.trakt - b.show.trakt);
    this.views.set('watched:shows', list);
    return list;
  }
}

/** The part of a newest-first list with `start <= watchedAt <= end` (binary search). */
export function inRange(list: Play[], start?: number, end?: number): Play[] {
  const firstAtOrBefore = (t: number) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].watchedAt > t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const from = end === undefined ? 0 : firstAtOrBefore(end);
  const to = start === undefined ? list.length : firstAtOrBefore(start - 1);
  return from === 0 && to === list.length ? list : list.slice(from, to);
}
