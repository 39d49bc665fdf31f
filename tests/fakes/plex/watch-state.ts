/**
 * Watch state per Plex account (API.md B.3: "watch state is per user"): view count, last
 * viewed, position and rating of each item, and the show/season figures Plex derives from
 * their episodes (leafCount, viewedLeafCount, lastViewedAt).
 */
import type { PlexItem } from './store.js';

export interface ItemState {
  viewCount: number;
  lastViewedAt?: number; // epoch seconds
  viewOffset?: number; // ms, in progress
  userRating?: number; // 0-10
  lastRatedAt?: number; // epoch seconds
}

export interface ContainerSummary {
  leafCount: number;
  viewedLeafCount: number;
  lastViewedAt?: number;
}

export class WatchStates {
  private byAccount = new Map<number, Map<number, ItemState>>();

  clear(): void {
    this.byAccount.clear();
  }

  get(accountId: number, rk: number): ItemState | undefined {
    return this.byAccount.get(accountId)?.get(rk);
  }

  /** The state, created empty when the account never touched the item. */
  mutable(accountId: number, rk: number): ItemState {
    let states = this.byAccount.get(accountId);
    if (!states) this.byAccount.set(accountId, (states = new Map()));
    let state = states.get(rk);
    if (!state) states.set(rk, (state = { viewCount: 0 }));
    return state;
  }

  /** Leaves of a container, or the item itself. */
  private leavesOf(item: PlexItem): PlexItem[] {
    if (item.type === 'show') return item.leaves ?? [];
    if (item.type === 'season') return item.children ?? [];
    return [item];
  }

  /** Marks played (viewCount + 1, lastViewedAt = at, position cleared); containers mark every episode. */
  markWatched(accountId: number, item: PlexItem, atSec: number): void {
    for (const leaf of this.leavesOf(item)) {
      const s = this.mutable(accountId, leaf.rk);
      s.viewCount += 1;
      s.lastViewedAt = atSec;
      delete s.viewOffset;
    }
  }

  markUnwatched(accountId: number, item: PlexItem): void {
    for (const leaf of this.leavesOf(item)) {
      const s = this.get(accountId, leaf.rk);
      if (!s) continue;
      s.viewCount = 0;
      delete s.lastViewedAt;
      delete s.viewOffset;
    }
  }

  /** Sets (0-10) or clears (null) the account's rating of the item itself (shows are rated as shows). */
  rate(accountId: number, item: PlexItem, rating: number | null, atSec: number): void {
    const s = this.mutable(accountId, item.rk);
    if (rating === null) {
      delete s.userRating;
      delete s.lastRatedAt;
    } else {
      s.userRating = rating;
      s.lastRatedAt = atSec;
    }
  }

  setProgress(accountId: number, item: PlexItem, viewOffsetMs: number | null): void {
    const s = this.mutable(accountId, item.rk);
    if (viewOffsetMs === null || viewOffsetMs <= 0) delete s.viewOffset;
    else s.viewOffset = viewOffsetMs;
  }

  /** What a show or season shows about its episodes for this account. */
  summary(accountId: number, item: PlexItem): ContainerSummary {
    const leaves = this.leavesOf(item);
    const states = this.byAccount.get(accountId);
    let viewed = 0;
    let last: number | undefined;
    if (states) {
      for (const leaf of leaves) {
        const s = states.get(leaf.rk);
        if (!s || s.viewCount <= 0) continue;
        viewed += 1;
        if (s.lastViewedAt !== undefined && (last === undefined || s.lastViewedAt > last)) last = s.lastViewedAt;
      }
    }
    return { leafCount: leaves.length, viewedLeafCount: viewed, lastViewedAt: last };
  }
}
