/**
 * The write endpoints of the emulated server (API.md B.4): `/:/scrobble` and `/:/unscrobble`
 * (mark played/unplayed for the token's account, stamped "now": Plex cannot set a past
 * time) and `/:/rate` (0-10, -1 clears). The item is `key=<ratingKey>` with
 * `identifier=com.plexapp.plugins.library`, or `uri=server://…/library/metadata/<ratingKey>`.
 */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { pmsBadRequest, pmsNotFound } from './http.js';
import type { PlexItem, PlexStore } from './store.js';
import type { WatchStates } from './watch-state.js';

export type PlexCallAction = 'scrobble' | 'unscrobble' | 'rate';

/** A write the server received (for tests to assert on). */
export interface PlexCall {
  action: PlexCallAction;
  method: string;
  ratingKey: string;
  accountId: number;
  /** rate: the rating (null = cleared). */
  rating?: number | null;
  at: number; // epoch ms
}

export interface ActionContext {
  store: PlexStore;
  states: WatchStates;
  calls: PlexCall[];
  now(): number;
}

const IDENTIFIER = 'com.plexapp.plugins.library';

function target(req: FakeRequest, store: PlexStore): PlexItem | FakeResponse {
  const uri = req.query.get('uri');
  let key = req.query.get('key');
  if (uri) {
    const m = /\/library\/metadata\/([^/?]+)$/.exec(uri);
    if (!m) return pmsBadRequest('uri does not name a library item');
    key = m[1]!;
  } else if (req.query.get('identifier') !== IDENTIFIER) {
    return pmsBadRequest(`identifier must be ${IDENTIFIER}`);
  }
  if (!key) return pmsBadRequest('key is required');
  return store.get(key) ?? pmsNotFound();
}

/**
 * Moves `updatedAt` of the item and what it contains (and its show), as a metadata change
 * does (a refresh, an edit, a new match). Watching and rating do not: `updatedAt` is the
 * metadata's time (API.md B.4 "`updatedAt>>=` for metadata changes"); a play moves
 * `lastViewedAt`, a rating `lastRatedAt`, and an un-watch leaves no time at all.
 */
export function touch(item: PlexItem, atSec: number): void {
  const leaves = item.type === 'show' ? (item.leaves ?? []) : item.type === 'season' ? (item.children ?? []) : [];
  for (const it of [item, ...leaves, ...(item.parent ? [item.parent] : []), ...(item.show && item.show !== item.parent ? [item.show] : [])]) {
    it.updatedAt = Math.max(it.updatedAt, atSec);
  }
}

export function watchAction(req: FakeRequest, ctx: ActionContext, accountId: number, action: 'scrobble' | 'unscrobble'): FakeResponse {
  if (req.method !== 'GET' && req.method !== 'PUT') return { status: 405, body: '' };
  const item = target(req, ctx.store);
  if ('status' in item) return item;
  const now = ctx.now();
  const atSec = Math.floor(now / 1000);
  if (action === 'scrobble') ctx.states.markWatched(accountId, item, atSec);
  else ctx.states.markUnwatched(accountId, item);
  ctx.store.version += 1;
  ctx.calls.push({ action, method: req.method, ratingKey: item.ratingKey, accountId, at: now });
  return { status: 200, body: '' };
}

export function rateAction(req: FakeRequest, ctx: ActionContext, accountId: number): FakeResponse {
  if (req.method !== 'GET' && req.method !== 'PUT') return { status: 405, body: '' };
  const item = target(req, ctx.store);
  if ('status' in item) return item;
  const raw = req.query.get('rating');
  const rating = raw === null || raw === '' ? NaN : Number(raw);
  if (!(rating === -1 || (rating >= 0 && rating <= 10))) return pmsBadRequest('rating must be 0-10, or -1 to clear');
  const now = ctx.now();
  const ratedAt = req.query.get('ratedAt');
  const atSec = ratedAt && /^\d+$/.test(ratedAt) ? Number(ratedAt) : Math.floor(now / 1000);
  ctx.states.rate(accountId, item, rating === -1 ? null : rating, atSec);
  ctx.store.version += 1;
  ctx.calls.push({ action: 'rate', method: req.method, ratingKey: item.ratingKey, accountId, rating: rating === -1 ? null : rating, at: now });
  return { status: 200, body: '' };
}
