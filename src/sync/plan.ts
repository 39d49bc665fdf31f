/**
 * The write plan, computed in SQL over the two mirrors and the ledger: set differences,
 * never a per-item request. Watched state, not play counts: an item is "watched" on a
 * side when it has any play there. Items the ledger already has a play for are never planned
 * again (a play we later removed from Trakt no longer counts); items Trakt said not_found for
 * with the same ids are not, while that memory holds (a day; a full walk asks again). With "Mirror un-watching" on, the removals come from
 * plan-unwatch.ts, and what they touch is left out of the adds.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { COLS, onTrakt, toItem, type PlanItem, type Row } from './plan-sql.js';
import { planUnwatch, type ShowIds } from './plan-unwatch.js';
import type { SyncSettings } from './settings.js';
import { notFoundCutoff, notFoundHolds } from '../ledger/not-found.js';

export type { PlanItem } from './plan-sql.js';

export interface Plan {
  toTrakt: PlanItem[];
  toPlex: PlanItem[];
  /** "Mirror un-watching": remove from Trakt history (unwatched in Plex since the last run). */
  fromTrakt: PlanItem[];
  /** "Mirror un-watching": mark unwatched in Plex (gone from Trakt since the last run). */
  unwatchInPlex: PlanItem[];
  ratingsToTrakt: PlanItem[];
  ratingsToPlex: PlanItem[];
  /** Skipped because the ledger already has a play / Trakt said not_found. */
  skippedRecorded: number;
  skippedNotFound: number;
  unmatched: number;
}

// A play we sent, unless we removed the item's plays from Trakt after it (then a new Plex view is a new play).
// An undo's removal does not free it: what an undo took back is not sent again by the next run.
const RECORDED = `EXISTS (SELECT 1 FROM ledger l WHERE l.target = 'trakt' AND l.account_id = @account AND l.item_key = p.item_key
  AND l.action IN ('history.add', 'scrobble.stop')
  AND (l.status = 'intent' OR (l.status = 'sent' AND (l.action = 'history.add' OR l.outcome = 'scrobble')))
  AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.target = 'trakt' AND r.account_id = l.account_id AND r.item_key = l.item_key
    AND r.action = 'history.remove' AND r.status = 'sent' AND r.id > l.id AND r.undoes IS NULL))`;
// Trakt said not_found for these very ids, and that memory still holds (src/ledger/not-found.ts).
const NOT_FOUND = (cutoff: number) =>
  `EXISTS (SELECT 1 FROM trakt_not_found n WHERE n.account_id = @account AND n.item_key = p.item_key AND n.ids_hash = p.ids_hash AND ${notFoundHolds('n', cutoff)})`;
// Marked watched by us, unless we marked it unwatched after that (not by an undo: that stays undone).
const MARKED = `EXISTS (SELECT 1 FROM ledger l WHERE l.target = 'plex' AND l.action = 'plex.watched' AND l.plex_key = @server || ':' || p.rating_key
  AND l.status IN ('intent', 'sent')
  AND NOT EXISTS (SELECT 1 FROM ledger u WHERE u.target = 'plex' AND u.action = 'plex.unwatched' AND u.plex_key = l.plex_key AND u.status = 'sent' AND u.id > l.id AND u.undoes IS NULL))`;

/** Trakt's rating of the item a Plex row is (own ids first; episodes then by show + numbering). */
const traktRating = (type: string) => {
  const own = ['imdb', 'tmdb', 'tvdb'].map((c) => `(SELECT t.rating FROM trakt_ratings t WHERE t.account_id = @account AND t.kind = '${type}' AND t.${c} = p.${c} LIMIT 1)`);
  if (type === 'episode') {
    for (const c of ['tvdb', 'tmdb', 'imdb']) {
      own.push(`(SELECT t.rating FROM trakt_ratings t WHERE t.account_id = @account AND t.kind = 'episode' AND t.show_${c} = p.show_${c} AND t.season = p.trakt_season AND t.number = p.trakt_number LIMIT 1)`);
    }
  }
  return `COALESCE(${own.join(', ')})`;
};

/** Items whose newest rating write was an undo's (per item: the side it put back, and the value; 0/null = none). */
function undoneRatings(sqlite: BetterSqlite3.Database, accountId: number): Map<string, { target: string; rating: number | null }> {
  const rows = sqlite
    .prepare(
      `SELECT l.item_key, l.target, l.rating FROM ledger l
       WHERE l.undoes IS NOT NULL AND l.status = 'sent' AND l.action IN ('rating.add', 'rating.remove', 'plex.rate')
         AND (l.target = 'plex' OR l.account_id = @account)
         AND NOT EXISTS (SELECT 1 FROM ledger m WHERE m.item_key = l.item_key AND m.status = 'sent' AND m.id > l.id
           AND m.action IN ('rating.add', 'rating.remove', 'plex.rate'))
       ORDER BY l.id`,
    )
    .all({ account: accountId }) as Array<{ item_key: string; target: string; rating: number | null }>;
  return new Map(rows.map((r) => [r.item_key, { target: r.target, rating: r.rating }]));
}

/** Plex 0-10 (half stars) → Trakt 1-10; 0 means "not rated". */
export const plexToTraktRating = (r: number) => Math.min(10, Math.max(1, Math.round(r)));

export interface PlanExtras {
  /** Shows whose progress Trakt reset (a re-watch) in this read: their episodes left the watched list but were not removed. */
  resetShows?: ShowIds[];
  /** A full walk asks Trakt again about every item it did not know (see src/ledger/not-found.ts). */
  full?: boolean;
  now?: number;
}

export function computePlan(sqlite: BetterSqlite3.Database, accountId: number, serverId: string, settings: SyncSettings, extras: PlanExtras = {}): Plan {
  const params = { account: accountId, server: serverId };
  const notFound = NOT_FOUND(notFoundCutoff(extras.now ?? Date.now(), extras.full));
  const plan: Plan = { toTrakt: [], toPlex: [], fromTrakt: [], unwatchInPlex: [], ratingsToTrakt: [], ratingsToPlex: [], skippedRecorded: 0, skippedNotFound: 0, unmatched: 0 };
  if (settings.mirrorUnwatch) Object.assign(plan, planUnwatch(sqlite, accountId, serverId, settings, extras.resetShows ?? []));
  // What a removal touches this run is not added back on the other side.
  const unwatching = new Set([...plan.fromTrakt, ...plan.unwatchInPlex].map((i) => i.itemKey));
  plan.unmatched = (sqlite.prepare(`SELECT COUNT(*) AS n FROM plex_items WHERE server_id = @server AND unmatched_reason IS NOT NULL AND type <> 'show'`).get(params) as { n: number }).n;

  for (const type of ['movie', 'episode'] as const) {
    if (settings.toTrakt) {
      // One play per identity: the same movie in two libraries or editions is one item, at its latest view.
      // Iterated, not loaded whole: a first sync can plan tens of thousands of plays.
      const rows = sqlite
        .prepare(
          `SELECT ${COLS}, MAX(p.last_viewed_at) AS last_viewed_at, ${RECORDED} AS recorded, ${notFound} AS not_found
           FROM plex_items p
           WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL AND p.view_count > 0
             AND NOT ${onTrakt('trakt_watched', type)}
           GROUP BY p.item_key ORDER BY p.item_key`,
        )
        .iterate(params) as IterableIterator<Row>;
      for (const r of rows) {
        if (unwatching.has(r.item_key)) continue;
        if (r.recorded) plan.skippedRecorded++;
        else if (r.not_found) plan.skippedNotFound++;
        else plan.toTrakt.push({ ...toItem(r), watchedAt: r.last_viewed_at });
      }
    }
    if (settings.toPlex) {
      const rows = sqlite
        .prepare(
          `SELECT ${COLS}, p.last_viewed_at FROM plex_items p
           WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL AND p.view_count = 0
             AND ${onTrakt('trakt_watched', type)} AND NOT ${MARKED}
           ORDER BY p.item_key, p.rating_key`,
        )
        .all(params) as Row[];
      plan.toPlex.push(...rows.filter((r) => !unwatching.has(r.item_key)).map(toItem));
    }
  }

  if (settings.ratings) {
    const undone = undoneRatings(sqlite, accountId);
    for (const type of ['movie', 'show', 'episode'] as const) {
      const rows = sqlite
        .prepare(
          `SELECT * FROM (SELECT ${COLS}, p.last_viewed_at, ${traktRating(type)} AS trakt_rating FROM plex_items p
             WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL)
           WHERE (user_rating IS NOT NULL AND user_rating > 0) OR trakt_rating IS NOT NULL
           ORDER BY item_key, rating_key`,
        )
        .all(params) as Row[];
      const sentToTrakt = new Set<string>();
      for (const r of rows) {
        const plex = r.user_rating && r.user_rating > 0 ? plexToTraktRating(r.user_rating) : null;
        const trakt = r.trakt_rating ?? null;
        // An undo put this rating back, and that side still holds it: not written again.
        const u = undone.get(r.item_key);
        if (u && (u.target === 'trakt' ? (trakt ?? 0) === (u.rating ?? 0) : (r.user_rating ?? 0) === (u.rating ?? 0))) continue;
        if (plex !== null && trakt !== null && plex === trakt) continue;
        const plexWins = trakt === null || (plex !== null && settings.ratingPriority === 'plex');
        if (plex !== null && plexWins) {
          if (!sentToTrakt.has(r.item_key)) plan.ratingsToTrakt.push({ ...toItem(r), rating: plex, previousRating: trakt ?? 0 });
          sentToTrakt.add(r.item_key);
        } else if (trakt !== null) {
          plan.ratingsToPlex.push({ ...toItem(r), rating: trakt, previousRating: r.user_rating && r.user_rating > 0 ? r.user_rating : 0 });
        }
      }
    }
  }
  return plan;
}

/** What a run's detail page shows of its plan: counts, and the first items of each kind. */
export function planSummary(plan: Plan, sample = 50) {
  const pick = (items: PlanItem[]) => items.slice(0, sample).map((i) => ({ title: i.title, key: i.itemKey, watchedAt: i.watchedAt ?? null, rating: i.rating ?? null }));
  return {
    counts: {
      toTrakt: plan.toTrakt.length,
      toPlex: plan.toPlex.length,
      fromTrakt: plan.fromTrakt.length,
      unwatchInPlex: plan.unwatchInPlex.length,
      ratingsToTrakt: plan.ratingsToTrakt.length,
      ratingsToPlex: plan.ratingsToPlex.length,
      skippedRecorded: plan.skippedRecorded,
      skippedNotFound: plan.skippedNotFound,
      unmatched: plan.unmatched,
    },
    toTrakt: pick(plan.toTrakt),
    toPlex: pick(plan.toPlex),
    fromTrakt: pick(plan.fromTrakt),
    unwatchInPlex: pick(plan.unwatchInPlex),
    ratingsToTrakt: pick(plan.ratingsToTrakt),
    ratingsToPlex: pick(plan.ratingsToPlex),
  };
}
