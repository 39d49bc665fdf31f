/**
 * The write plan, computed in SQL over the two mirrors and the ledger: set differences,
 * never a per-item request. Watched state, not play counts: an item is "watched" on a
 * side when it has any play there. Items the ledger already has a play for, or that Trakt
 * said not_found for with the same ids, are never planned again.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ExternalIds } from '../ledger/item-key.js';
import type { SyncSettings } from './settings.js';

export interface PlanItem {
  kind: 'movie' | 'episode' | 'show';
  itemKey: string;
  idsHash: string | null;
  title: string;
  ratingKey: string;
  ids: ExternalIds;
  show?: ExternalIds;
  season?: number | null;
  number?: number | null;
  /** Trakt's numbering (equal to Plex's unless the history mirror says otherwise). */
  traktSeason?: number | null;
  traktNumber?: number | null;
  /** Plays to Trakt: Plex's lastViewedAt (epoch ms), exactly. */
  watchedAt?: number | null;
  /** Ratings: the value to write, on the receiving side's scale. */
  rating?: number;
}

export interface Plan {
  toTrakt: PlanItem[];
  toPlex: PlanItem[];
  ratingsToTrakt: PlanItem[];
  ratingsToPlex: PlanItem[];
  /** Skipped because the ledger already has a play / Trakt said not_found. */
  skippedRecorded: number;
  skippedNotFound: number;
  unmatched: number;
}

interface Row {
  type: 'movie' | 'episode' | 'show';
  item_key: string;
  ids_hash: string | null;
  title: string;
  show_title: string | null;
  rating_key: string;
  imdb: string | null;
  tmdb: number | null;
  tvdb: number | null;
  show_imdb: string | null;
  show_tmdb: number | null;
  show_tvdb: number | null;
  season: number | null;
  number: number | null;
  trakt_season: number | null;
  trakt_number: number | null;
  last_viewed_at: number | null;
  user_rating: number | null;
  trakt_rating?: number | null;
  recorded?: number;
  not_found?: number;
}

const ids = (imdb: string | null, tmdb: number | null, tvdb: number | null): ExternalIds => {
  const o: ExternalIds = {};
  if (imdb) o.imdb = imdb;
  if (tmdb) o.tmdb = tmdb;
  if (tvdb) o.tvdb = tvdb;
  return o;
};

function toItem(r: Row): PlanItem {
  const item: PlanItem = {
    kind: r.type,
    itemKey: r.item_key,
    idsHash: r.ids_hash,
    title: r.type === 'episode' ? `${r.show_title ?? '?'} · S${pad(r.season)}E${pad(r.number)}${r.title ? ` · ${r.title}` : ''}` : r.title,
    ratingKey: r.rating_key,
    ids: ids(r.imdb, r.tmdb, r.tvdb),
  };
  if (r.type === 'episode') {
    item.show = ids(r.show_imdb, r.show_tmdb, r.show_tvdb);
    item.season = r.season;
    item.number = r.number;
    item.traktSeason = r.trakt_season;
    item.traktNumber = r.trakt_number;
  }
  return item;
}

const pad = (n: number | null) => String(n ?? 0).padStart(2, '0');

// "Is there a Trakt row for this Plex row", one EXISTS per id so each uses its index.
const movieOn = (table: string, kind: string) => `(
  EXISTS (SELECT 1 FROM ${table} t WHERE t.account_id = @account AND t.kind = '${kind}' AND t.imdb = p.imdb)
  OR EXISTS (SELECT 1 FROM ${table} t WHERE t.account_id = @account AND t.kind = '${kind}' AND t.tmdb = p.tmdb)
  OR EXISTS (SELECT 1 FROM ${table} t WHERE t.account_id = @account AND t.kind = '${kind}' AND t.tvdb = p.tvdb))`;
const episodeOn = (table: string) => `(
  EXISTS (SELECT 1 FROM ${table} t WHERE t.account_id = @account AND t.kind = 'episode' AND t.show_tvdb = p.show_tvdb AND t.season = p.trakt_season AND t.number = p.trakt_number)
  OR EXISTS (SELECT 1 FROM ${table} t WHERE t.account_id = @account AND t.kind = 'episode' AND t.show_tmdb = p.show_tmdb AND t.season = p.trakt_season AND t.number = p.trakt_number)
  OR EXISTS (SELECT 1 FROM ${table} t WHERE t.account_id = @account AND t.kind = 'episode' AND t.show_imdb = p.show_imdb AND t.season = p.trakt_season AND t.number = p.trakt_number))`;
const onTrakt = (table: string, type: string) => (type === 'episode' ? episodeOn(table) : movieOn(table, type));

const RECORDED = `EXISTS (SELECT 1 FROM ledger l WHERE l.target = 'trakt' AND l.account_id = @account AND l.item_key = p.item_key
  AND l.action IN ('history.add', 'scrobble.stop')
  AND (l.status = 'intent' OR (l.status = 'sent' AND (l.action = 'history.add' OR l.outcome = 'scrobble'))))`;
const NOT_FOUND = `EXISTS (SELECT 1 FROM trakt_not_found n WHERE n.account_id = @account AND n.item_key = p.item_key AND n.ids_hash = p.ids_hash)`;
const MARKED = `EXISTS (SELECT 1 FROM ledger l WHERE l.target = 'plex' AND l.action = 'plex.watched' AND l.plex_key = @server || ':' || p.rating_key
  AND l.status IN ('intent', 'sent'))`;

const COLS = `p.type, p.item_key, p.ids_hash, p.title, p.show_title, p.rating_key, p.imdb, p.tmdb, p.tvdb, p.show_imdb, p.show_tmdb, p.show_tvdb,
  p.season, p.number, p.trakt_season, p.trakt_number, p.user_rating`;

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

/** Plex 0-10 (half stars) → Trakt 1-10; 0 means "not rated". */
export const plexToTraktRating = (r: number) => Math.min(10, Math.max(1, Math.round(r)));

export function computePlan(sqlite: BetterSqlite3.Database, accountId: number, serverId: string, settings: SyncSettings): Plan {
  const params = { account: accountId, server: serverId };
  const plan: Plan = { toTrakt: [], toPlex: [], ratingsToTrakt: [], ratingsToPlex: [], skippedRecorded: 0, skippedNotFound: 0, unmatched: 0 };
  plan.unmatched = (sqlite.prepare(`SELECT COUNT(*) AS n FROM plex_items WHERE server_id = @server AND unmatched_reason IS NOT NULL AND type <> 'show'`).get(params) as { n: number }).n;

  for (const type of ['movie', 'episode'] as const) {
    if (settings.toTrakt) {
      // One play per identity: the same movie in two libraries or editions is one item, at its latest view.
      // Iterated, not loaded whole: a first sync can plan tens of thousands of plays.
      const rows = sqlite
        .prepare(
          `SELECT ${COLS}, MAX(p.last_viewed_at) AS last_viewed_at, ${RECORDED} AS recorded, ${NOT_FOUND} AS not_found
           FROM plex_items p
           WHERE p.server_id = @server AND p.type = '${type}' AND p.item_key IS NOT NULL AND p.view_count > 0
             AND NOT ${onTrakt('trakt_watched', type)}
           GROUP BY p.item_key ORDER BY p.item_key`,
        )
        .iterate(params) as IterableIterator<Row>;
      for (const r of rows) {
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
      plan.toPlex.push(...rows.map(toItem));
    }
  }

  if (settings.ratings) {
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
        if (plex !== null && trakt !== null && plex === trakt) continue;
        const plexWins = trakt === null || (plex !== null && settings.ratingPriority === 'plex');
        if (plex !== null && plexWins) {
          if (!sentToTrakt.has(r.item_key)) plan.ratingsToTrakt.push({ ...toItem(r), rating: plex });
          sentToTrakt.add(r.item_key);
        } else if (trakt !== null) {
          plan.ratingsToPlex.push({ ...toItem(r), rating: trakt });
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
      ratingsToTrakt: plan.ratingsToTrakt.length,
      ratingsToPlex: plan.ratingsToPlex.length,
      skippedRecorded: plan.skippedRecorded,
      skippedNotFound: plan.skippedNotFound,
      unmatched: plan.unmatched,
    },
    toTrakt: pick(plan.toTrakt),
    toPlex: pick(plan.toPlex),
    ratingsToTrakt: pick(plan.ratingsToTrakt),
    ratingsToPlex: pick(plan.ratingsToPlex),
  };
}
