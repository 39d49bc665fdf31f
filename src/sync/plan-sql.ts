/**
 * What the plan's queries share: the plan item, the row they read from `plex_items`, and
 * the SQL for "is this Plex row watched on Trakt" (one EXISTS per id, each on its index).
 */
import type { PlexItemsTable } from '../db/tables/sync.js';
import type { ExternalIds } from '../ledger/item-key.js';

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
  /** Ratings: the receiving side's value before (0: it had none), kept in the ledger so an undo can put it back. */
  previousRating?: number | null;
}

/** A `plex_items` row as the plan's queries select it: matched (an item key), plus what the query adds. */
export type Row = Pick<
  PlexItemsTable,
  | 'ids_hash' | 'title' | 'show_title' | 'rating_key' | 'imdb' | 'tmdb' | 'tvdb' | 'show_imdb' | 'show_tmdb' | 'show_tvdb'
  | 'season' | 'number' | 'trakt_season' | 'trakt_number' | 'last_viewed_at' | 'user_rating'
> & {
  type: PlanItem['kind'];
  item_key: string;
  trakt_rating?: number | null;
  recorded?: number;
  not_found?: number;
};

const ids = (imdb: string | null, tmdb: number | null, tvdb: number | null): ExternalIds => {
  const o: ExternalIds = {};
  if (imdb) o.imdb = imdb;
  if (tmdb) o.tmdb = tmdb;
  if (tvdb) o.tvdb = tvdb;
  return o;
};

export function toItem(r: Row): PlanItem {
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
export const COLS = `p.type, p.item_key, p.ids_hash, p.title, p.show_title, p.rating_key, p.imdb, p.tmdb, p.tvdb, p.show_imdb, p.show_tmdb, p.show_tvdb,
  p.season, p.number, p.trakt_season, p.trakt_number, p.user_rating`;

export const onTrakt = (table: string, type: string) => (type === 'episode' ? episodeOn(table) : movieOn(table, type));

