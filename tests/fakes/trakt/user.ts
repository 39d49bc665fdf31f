/**
 * A Trakt account and everything the emulator keeps for it: history, ratings, playback
 * progress, the scrobble duplicate window, last activities and the test switches
 * (locked account, account limit).
 */
import type { CatEpisode, CatMovie, CatSeason, CatShow } from './catalogue.js';
import { toIso } from './clock.js';
import { History } from './history.js';

export type RatedItem = CatMovie | CatShow | CatSeason | CatEpisode;
export type PlayableItem = CatMovie | CatEpisode;

export interface Rating {
  item: RatedItem;
  rating: number; // 1-10
  ratedAt: number; // epoch ms
}

export interface Playback {
  id: number;
  item: PlayableItem;
  progress: number;
  pausedAt: number;
}

/** The 2026 `/sync/last_activities` groups and fields (API.md A.5). */
const ACTIVITY_FIELDS: Record<string, string[]> = {
  movies: ['watched_at', 'collected_at', 'rated_at', 'watchlisted_at', 'favorited_at', 'commented_at', 'paused_at', 'hidden_at'],
  episodes: ['watched_at', 'collected_at', 'rated_at', 'watchlisted_at', 'commented_at', 'paused_at'],
  shows: ['rated_at', 'watchlisted_at', 'favorited_at', 'commented_at', 'hidden_at', 'dropped_at'],
  seasons: ['rated_at', 'watchlisted_at', 'commented_at', 'hidden_at'],
  comments: ['liked_at', 'reacted_at', 'blocked_at'],
  lists: ['liked_at', 'reacted_at', 'updated_at', 'commented_at'],
  watchlist: ['updated_at'],
  favorites: ['updated_at'],
  collaborations: ['updated_at'],
  account: ['settings_at', 'followed_at', 'following_at', 'pending_at', 'requested_at'],
  saved_filters: ['updated_at'],
  notes: ['updated_at'],
};

export class Activities {
  private at: Record<string, Record<string, number>> = {};

  constructor(start: number) {
    for (const [group, fields] of Object.entries(ACTIVITY_FIELDS)) {
      this.at[group] = Object.fromEntries(fields.map((f) => [f, start]));
    }
  }

  touch(group: string, field: string, when: number): void {
    if (this.at[group]?.[field] !== undefined) this.at[group][field] = Math.max(this.at[group][field], when);
  }

  toJson(): Record<string, unknown> {
    let all = 0;
    const out: Record<string, unknown> = {};
    for (const [group, fields] of Object.entries(this.at)) {
      out[group] = Object.fromEntries(Object.entries(fields).map(([f, t]) => ((all = Math.max(all, t)), [f, toIso(t)])));
    }
    return { all: toIso(all), ...out };
  }
}

export interface UserInput {
  username: string;
  name?: string;
  vip?: boolean;
  private?: boolean;
}

export class TraktUser {
  readonly username: string;
  readonly slug: string;
  name: string;
  vip: boolean;
  private: boolean;
  readonly joinedAt: number;
  readonly history: History;
  readonly ratings = new Map<RatedItem, Rating>();
  readonly playback = new Map<PlayableItem, Playback>();
  readonly activities: Activities;
  /** Last stop-scrobble per item, for the 409 duplicate window. */
  readonly scrobbled = new Map<PlayableItem, { watchedAt: number; expiresAt: number }>();
  watching: { item: PlayableItem; progress: number; startedAt: number } | null = null;
  /** 423 switch: every authenticated call of this user answers "locked". */
  locked: { deactivated: boolean } | null = null;
  /** 420 switch: adds to history/ratings answer "account limit exceeded" with this limit. */
  accountLimit: number | null = null;

  constructor(input: UserInput, now: number, nextHistoryId: () => number) {
    this.username = input.username;
    this.slug = input.username.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    this.name = input.name ?? input.username;
    this.vip = input.vip ?? false;
    this.private = input.private ?? false;
    this.joinedAt = now;
    this.history = new History(nextHistoryId);
    this.activities = new Activities(now);
  }

  findPlayback(id: number): Playback | undefined {
    for (const p of this.playback.values()) if (p.id === id) return p;
    return undefined;
  }

  settingsJson(): Record<string, unknown> {
    return {
      user: {
        username: this.username,
        private: this.private,
        name: this.name,
        vip: this.vip,
        vip_ep: false,
        ids: { slug: this.slug },
        joined_at: toIso(this.joinedAt),
        location: null,
        about: null,
        gender: null,
        age: null,
        images: { avatar: { full: 'https://walter-r2.trakt.tv/images/users/default.png' } },
      },
      account: { timezone: 'UTC', date_format: 'mdy', time_24hr: false, cover_image: null },
      connections: { facebook: false, twitter: false, mastodon: false, google: false, tumblr: false, medium: false, slack: false, apple: false, dropbox: false, microsoft: false },
      sharing_text: { watching: 'I\'m watching [item]', watched: 'I just watched [item]', rated: '[item] [stars]' },
      // 2026 free / VIP caps (API.md A.3); the exact JSON of 2026 limits is unconfirmed.
      limits: {
        list: { count: this.vip ? 100 : 5, item_count: this.vip ? 5000 : 250 },
        watchlist: { item_count: this.vip ? 5000 : 250 },
        favorites: { item_count: this.vip ? 100 : 50 },
        recommendations: { item_count: this.vip ? 100 : 50 },
      },
    };
  }
}
