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
import { addPlanItems, dropPlan, insertPlanRows, OWNER, PLAN_LISTS, planCounts, planSample, takeCount, type PlanList, type PlanRef } from './plan-store.js';
import { planUnwatch, type ShowIds } from './plan-unwatch.js';
import type { SyncSettings } from './settings.js';
import { notFoundCutoff, notFoundHolds } from '../ledger/not-found.js';

export type { PlanItem } from './plan-sql.js';
export type { PlanList, PlanRef } from './plan-store.js';

/**
 * The plan's size; its items are rows of `sync_plan_items` (plan-store.ts), read back by the
 * writers a chunk at a time. Lists: toTrakt, toPlex, ratingsToTrakt, ratingsToPlex, and with
 * "Mirror un-watching" fromTrakt (remove from Trakt history: unwatched in Plex since the last run)
 * and unwatchInPlex (mark unwatched in Plex: gone from Trakt since the last run).
 */
export interface Plan {
  runId: number;
  /** Whose plan (the Plex account id; 1 = the server owner). */
  person: number;
  counts: Record<PlanList, number>;
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

/** Where plays set aside land for a moment, to be counted (never a list the writers or pages read). */
const SKIPPED_RECORDED = '-recorded';
const SKIPPED_NOT_FOUND = '-notFound';

/**
 * Plans a run into `sync_plan_items` (for `ref`'s person, the owner unless said; what that person's
 * plan held before is replaced) and returns its counts. The big lists are INSERT … SELECT in SQL; only rated items pass through JS.
 */
export function computePlan(sqlite: BetterSqlite3.Database, ref: PlanRef, accountId: number, serverId: string, settings: SyncSettings, extras: PlanExtras = {}): Plan {
  const plan: PlanRef = { runId: ref.runId, person: ref.person ?? OWNER };
  // Planning again (e.g. after the writes, to see what is left) replaces the plan; it never adds to it.
  dropPlan(sqlite, plan.runId, plan.person);
  const params = { account: accountId, server: serverId };
  const notFound = NOT_FOUND(notFoundCutoff(extras.now ?? Date.now(), extras.full));
  if (settings.mirrorUnwatch) planUnwatch(sqlite, plan, accountId, serverId, settings, extras.resetShows ?? []);
  // What a removal touches this run is not added back on the other side.
  const notUnwatching = `item_key NOT IN (SELECT u.item_key FROM sync_plan_items u WHERE u.run_id = @run AND u.person = @person AND u.list IN ('fromTrakt', 'unwatchInPlex') AND u.item_key IS NOT NULL)`;
  const unmatched = (sqlite.prepare(`SELECT COUNT(*) AS n FROM plex_items WHERE server_id = @server AND unmatched_reason IS NOT NULL AND type <> 'show'`).get(params) as { n: number }).n;

  for (const type of ['movie', 'episode'] as const) {
    if (settings.toTrakt) {
      // One play per identity: the same movie in two libraries or editions is one item, at its latest view.
      // Plays the ledger already has, or Trakt said not_found for, land in lists of their own to be counted.
      insertPlanRows(
        sqlite,
        plan,
        `SELECT CASE WHEN recorded THEN '${SKIPPED_RECORDED}' WHEN not_found THEN '${SKIPPED_NOT_FOUND}' ELSE 'toTrakt' END AS list, COALESCE(last_viewed_at, 0) AS sort_at, * FROM (
           SELECT ${COLS}, MAX(p.last_viewed_at) AS last_viewed_at, ${RECORDED} AS recorded, ${notFound} AS not_found
           FROM plex_items p
           WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL AND p.view_count > 0
             AND NOT ${onTrakt('trakt_watched', type)}
           GROUP BY p.item_key)
         WHERE ${notUnwatching}`,
        params,
        'item_key',
      );
    }
    if (settings.toPlex) {
      insertPlanRows(
        sqlite,
        plan,
        `SELECT 'toPlex' AS list, 0 AS sort_at, ${COLS}, p.last_viewed_at FROM plex_items p
         WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL AND p.view_count = 0
           AND ${onTrakt('trakt_watched', type)} AND NOT ${MARKED} AND p.${notUnwatching}`,
        params,
        'item_key, rating_key',
      );
    }
  }
  const skippedRecorded = takeCount(sqlite, plan, SKIPPED_RECORDED);
  const skippedNotFound = takeCount(sqlite, plan, SKIPPED_NOT_FOUND);

  if (settings.ratings) {
    const undone = undoneRatings(sqlite, accountId);
    for (const type of ['movie', 'show', 'episode'] as const) {
      // Only rated items come back: few, even in a large library.
      const rows = sqlite
        .prepare(
          `SELECT * FROM (SELECT ${COLS}, p.last_viewed_at, ${traktRating(type)} AS trakt_rating FROM plex_items p
             WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL)
           WHERE (user_rating IS NOT NULL AND user_rating > 0) OR trakt_rating IS NOT NULL
           ORDER BY item_key, rating_key`,
        )
        .all(params) as Row[];
      const sentToTrakt = new Set<string>();
      const toTrakt: PlanItem[] = [];
      const toPlex: PlanItem[] = [];
      for (const r of rows) {
        const plex = r.user_rating && r.user_rating > 0 ? plexToTraktRating(r.user_rating) : null;
        const trakt = r.trakt_rating ?? null;
        // An undo put this rating back, and that side still holds it: not written again.
        const u = undone.get(r.item_key);
        if (u && (u.target === 'trakt' ? (trakt ?? 0) === (u.rating ?? 0) : (r.user_rating ?? 0) === (u.rating ?? 0))) continue;
        if (plex !== null && trakt !== null && plex === trakt) continue;
        const plexWins = trakt === null || (plex !== null && settings.ratingPriority === 'plex');
        if (plex !== null && plexWins) {
          if (!sentToTrakt.has(r.item_key)) toTrakt.push({ ...toItem(r), rating: plex, previousRating: trakt ?? 0 });
          sentToTrakt.add(r.item_key);
        } else if (trakt !== null) {
          toPlex.push({ ...toItem(r), rating: trakt, previousRating: r.user_rating && r.user_rating > 0 ? r.user_rating : 0 });
        }
      }
      addPlanItems(sqlite, plan, 'ratingsToTrakt', toTrakt);
      addPlanItems(sqlite, plan, 'ratingsToPlex', toPlex);
    }
  }
  return { runId: plan.runId, person: plan.person!, counts: planCounts(sqlite, plan), skippedRecorded, skippedNotFound, unmatched };
}

/** Every planned write. */
export const plannedWrites = (plan: Pick<Plan, 'counts'>) => PLAN_LISTS.reduce((n, list) => n + plan.counts[list], 0);

/** What a run's detail page shows of its plan (every person's as one): counts, and the first items of each kind. */
export function planSummary(sqlite: BetterSqlite3.Database, plans: Plan | Plan[], sample = 50) {
  const all = Array.isArray(plans) ? plans : [plans];
  const pick = (list: PlanList) => {
    const items: PlanItem[] = [];
    for (const p of all) if (items.length < sample) items.push(...planSample(sqlite, p, list, sample - items.length));
    return items.map((i) => ({ title: i.title, key: i.itemKey, watchedAt: i.watchedAt ?? null, rating: i.rating ?? null }));
  };
  const total = (k: 'skippedRecorded' | 'skippedNotFound' | 'unmatched') => all.reduce((n, p) => n + p[k], 0);
  const counts = Object.fromEntries(PLAN_LISTS.map((l) => [l, all.reduce((n, p) => n + p.counts[l], 0)])) as Record<PlanList, number>;
  return {
    counts: { ...counts, skippedRecorded: total('skippedRecorded'), skippedNotFound: total('skippedNotFound'), unmatched: total('unmatched') },
    toTrakt: pick('toTrakt'),
    toPlex: pick('toPlex'),
    fromTrakt: pick('fromTrakt'),
    unwatchInPlex: pick('unwatchInPlex'),
    ratingsToTrakt: pick('ratingsToTrakt'),
    ratingsToPlex: pick('ratingsToPlex'),
  };
}
