/**
 * Reading (and directly writing) the emulator's state from code: what a client's requests left
 * behind, in plain records with Trakt ids, without going through HTTP or rate limits.
 */
import type { CatEpisode, CatMovie } from './catalogue.js';
import { parseTime, toIso, truncateToSecond } from './clock.js';
import type { HistoryAction } from './history.js';
import type { RatedItem } from './user.js';
import type { TraktWorld } from './world.js';

export interface ItemRef {
  type: 'movie' | 'show' | 'season' | 'episode';
  trakt: number;
}

export interface PlayRecord {
  id: number; // history id
  type: 'movie' | 'episode';
  trakt: number;
  ids: { imdb: string | null; tmdb: number | null; tvdb?: number | null };
  /** Episodes: the show's Trakt id and Trakt season/number. */
  show?: number;
  season?: number;
  number?: number;
  watched_at: string;
  action: HistoryAction;
}

export interface RatingRecord extends ItemRef {
  rating: number;
  rated_at: string;
}

export interface PlaybackRecord {
  id: number;
  type: 'movie' | 'episode';
  trakt: number;
  progress: number;
  paused_at: string;
}

export class TraktInspector {
  constructor(readonly world: TraktWorld) {}

  /** The catalogue item a reference names, or an error. */
  item(ref: ItemRef): RatedItem {
    const cat = this.world.catalogue;
    const map = { movie: cat.movies, show: cat.shows, season: cat.seasons, episode: cat.episodes }[ref.type];
    const it = map.get(ref.trakt);
    if (!it) throw new Error(`Trakt emulator: no ${ref.type} ${ref.trakt}`);
    return it;
  }

  /** Every play of a user, newest first. */
  plays(username: string): PlayRecord[] {
    return this.world.user(username).history.view({}).map((p) => {
      const it = p.item;
      const base = { id: p.id, type: it.kind, trakt: it.trakt, watched_at: toIso(p.watchedAt), action: p.action };
      return it.kind === 'movie'
        ? { ...base, ids: { imdb: it.imdb, tmdb: it.tmdb } }
        : { ...base, ids: { imdb: it.imdb, tmdb: it.tmdb, tvdb: it.tvdb }, show: it.show.trakt, season: it.season, number: it.number };
    });
  }

  /** Adds one play directly (no request, no rate limit). */
  addPlay(username: string, ref: ItemRef & { type: 'movie' | 'episode' }, watchedAt: string, action: HistoryAction = 'watch'): number {
    const at = parseTime(watchedAt);
    if (at === undefined) throw new Error(`bad watchedAt ${watchedAt}`);
    const item = this.item(ref) as CatMovie | CatEpisode;
    const user = this.world.user(username);
    const id = user.history.add(item, truncateToSecond(at), action, this.world.now()).id;
    user.activities.touch(item.kind === 'movie' ? 'movies' : 'episodes', 'watched_at', this.world.now()); // as a play added on trakt.tv does
    return id;
  }

  ratings(username: string): RatingRecord[] {
    return [...this.world.user(username).ratings.values()].map((r) => ({
      type: r.item.kind,
      trakt: r.item.trakt,
      rating: r.rating,
      rated_at: toIso(r.ratedAt),
    }));
  }

  setRating(username: string, ref: ItemRef, rating: number, ratedAt?: string): void {
    const item = this.item(ref);
    const at = ratedAt === undefined ? this.world.now() : parseTime(ratedAt);
    if (at === undefined) throw new Error(`bad ratedAt ${ratedAt}`);
    const user = this.world.user(username);
    user.ratings.set(item, { item, rating, ratedAt: truncateToSecond(at) });
    const level = ({ movie: 'movies', show: 'shows', season: 'seasons', episode: 'episodes' } as const)[item.kind as 'movie' | 'show' | 'season' | 'episode'];
    if (level) user.activities.touch(level, 'rated_at', this.world.now()); // as a rating given on trakt.tv does
  }

  playback(username: string): PlaybackRecord[] {
    return [...this.world.user(username).playback.values()].map((p) => ({
      id: p.id,
      type: p.item.kind,
      trakt: p.item.trakt,
      progress: p.progress,
      paused_at: toIso(p.pausedAt),
    }));
  }

  lastActivities(username: string): Record<string, unknown> {
    return this.world.user(username).activities.toJson();
  }

  /** Requests per kind, e.g. { "GET /sync/history": 4, "POST /scrobble/stop": 1 }. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.world.counts);
  }

  countOf(kind: string): number {
    return this.world.counts.get(kind) ?? 0;
  }

  /** 429s answered: for one user, or in total. */
  rateLimited(username?: string): number {
    const { limiter } = this.world;
    return username === undefined ? limiter.total429 : (limiter.limited.get(`user:${username}`) ?? 0);
  }

  stats(): Record<string, unknown> {
    const users = Object.fromEntries(
      [...this.world.users.values()].map((u) => [u.username, { plays: u.history.size, ratings: u.ratings.size, playback: u.playback.size }]),
    );
    return { requests: this.requestCounts(), rateLimited: this.rateLimited(), users };
  }
}
