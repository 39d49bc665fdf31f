/**
 * Mirrors the selected Plex sections into `plex_items`: shows, then episodes, then movies,
 * paged, each page matched (ids only) and written in its own short transaction so
 * webhooks keep flowing during a long walk. A whole walk also forgets items Plex no longer
 * has; an incremental read asks only for what changed since the last one, by Plex's own
 * times, and checks Plex's totals against the mirror's (see plex-changes.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { getSetting, setSetting } from '../db/repos/settings.js';
import type { ExternalIds } from '../ledger/item-key.js';
import { PlexHttpError, PlexResponseError } from '../plex/errors.js';
import { matchPlexItem } from './match.js';
import { changedSince, FIELDS_OF, mirrorTotals, plexTotals, ROW_TYPE, totalsDiffer, type FieldMarks, type ListingType, type PlexMarkers } from './plex-changes.js';
import type { PlexMeta, PlexSectionRef, SyncPlex } from './ports.js';

export interface PlexMirrorOptions {
  runId: number;
  /** Walk everything (and drop what is gone) instead of asking for changes only. */
  full: boolean;
  /** Where the last read left off; a section or listing type without one is walked whole. */
  markers?: PlexMarkers;
  pageSize?: number;
  now?: () => number;
  /** Called after each page: items scanned so far and the total known so far. */
  onPage?: (scanned: number, total: number) => void;
  shouldStop?: () => boolean;
}

export interface PlexMirrorResult {
  sections: number;
  scanned: number;
  requests: number;
  unmatched: number;
  /** Where this read leaves off, for the next one. */
  markers: PlexMarkers;
  /** The listings walked whole, and why (a full walk, a first read, totals that differed). */
  walked: string[];
  /** Rows whose content changed or that were forgotten (a listing walked whole counts every row it read). */
  changed: number;
}

/** What a plan reads of a row (not `trakt_season`/`trakt_number`: numbering sets those after each read). */
const PLANNED = ['section_id', 'type', 'show_rating_key', 'season', 'number', 'imdb', 'tmdb', 'tvdb', 'show_imdb', 'show_tmdb', 'show_tvdb', 'item_key', 'ids_hash', 'unmatched_reason', 'view_count', 'last_viewed_at', 'user_rating'] as const;

const COLUMNS = [
  'server_id', 'rating_key', 'section_id', 'type', 'title', 'year', 'show_rating_key', 'show_title', 'season', 'number',
  'trakt_season', 'trakt_number', 'guid', 'guids', 'imdb', 'tmdb', 'tvdb', 'show_imdb', 'show_tmdb', 'show_tvdb',
  'item_key', 'ids_hash', 'unmatched_reason', 'view_count', 'last_viewed_at', 'user_rating', 'plex_updated_at',
  'mirrored_at', 'seen_run_id',
] as const;

type Row = Record<(typeof COLUMNS)[number], string | number | null>;

function upsertStatement(sqlite: BetterSqlite3.Database) {
  const updates = COLUMNS.filter((c) => c !== 'server_id' && c !== 'rating_key').map((c) => `${c} = excluded.${c}`);
  return sqlite.prepare(
    `INSERT INTO plex_items (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
     ON CONFLICT(server_id, rating_key) DO UPDATE SET ${updates.join(', ')}`,
  );
}

/** One Plex item as a plex_items row (matched). */
export function toRow(serverId: string, section: PlexSectionRef, meta: PlexMeta, showIds: ExternalIds | undefined, runId: number, now: number): Row {
  const m = matchPlexItem(meta, showIds, section.type);
  const isEpisode = meta.type === 'episode';
  const season = isEpisode ? (m.season ?? null) : null;
  const number = isEpisode ? (m.number ?? null) : null;
  return {
    server_id: serverId,
    rating_key: String(meta.ratingKey),
    section_id: section.id,
    type: m.type,
    title: meta.title ?? '',
    year: meta.year ?? null,
    show_rating_key: meta.grandparentRatingKey ?? null,
    show_title: meta.grandparentTitle ?? null,
    season,
    number,
    trakt_season: season,
    trakt_number: number,
    guid: meta.guid ?? null,
    guids: meta.Guid?.length ? JSON.stringify(meta.Guid.map((g) => g.id)) : null,
    imdb: m.ids.imdb ?? null,
    tmdb: m.ids.tmdb ?? null,
    tvdb: m.ids.tvdb ?? null,
    show_imdb: m.show?.imdb ?? null,
    show_tmdb: m.show?.tmdb ?? null,
    show_tvdb: m.show?.tvdb ?? null,
    item_key: m.itemKey ?? null,
    ids_hash: m.idsHash ?? null,
    unmatched_reason: m.reason ?? null,
    // Watched state, not play counts: any view count is "watched".
    view_count: meta.viewCount && meta.viewCount > 0 ? meta.viewCount : 0,
    last_viewed_at: meta.lastViewedAt ? meta.lastViewedAt * 1000 : null,
    user_rating: typeof meta.userRating === 'number' ? meta.userRating : null,
    plex_updated_at: meta.updatedAt ? meta.updatedAt * 1000 : null,
    mirrored_at: now,
    seen_run_id: runId,
  };
}

function loadShowIds(sqlite: BetterSqlite3.Database, serverId: string): Map<string, ExternalIds> {
  const rows = sqlite
    .prepare(`SELECT rating_key, imdb, tmdb, tvdb FROM plex_items WHERE server_id = ? AND type = 'show'`)
    .all(serverId) as Array<{ rating_key: string; imdb: string | null; tmdb: number | null; tvdb: number | null }>;
  return new Map(rows.map((r) => [r.rating_key, { imdb: r.imdb, tmdb: r.tmdb, tvdb: r.tvdb }]));
}

/** Keeps the library names, so a run's ledger can say which library a row's item is in. */
function rememberSectionTitles(sqlite: BetterSqlite3.Database, serverId: string, sections: Array<{ id: string; title: string }>, at: number): void {
  const put = sqlite.prepare(
    `INSERT INTO plex_section_titles (server_id, section_id, title, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (server_id, section_id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at`,
  );
  sqlite.transaction(() => sections.forEach((s) => put.run(serverId, s.id, s.title, at)))();
}

export async function mirrorPlexLibrary(sqlite: BetterSqlite3.Database, plex: SyncPlex, opts: PlexMirrorOptions): Promise<PlexMirrorResult> {
  const now = opts.now ?? Date.now;
  const pageSize = opts.pageSize ?? 1000;
  const serverId = plex.machineIdentifier;
  const upsert = upsertStatement(sqlite);
  const writePage = sqlite.transaction((rows: Row[]) => {
    for (const r of rows) upsert.run(r);
  });
  const showIds = loadShowIds(sqlite, serverId);
  const sections = await plex.sections();
  rememberSectionTitles(sqlite, serverId, sections, now());
  const result: PlexMirrorResult = { sections: sections.length, scanned: 0, requests: 1, unmatched: 0, markers: { version: 2, sections: {} }, walked: [], changed: 0 };
  const stored = sqlite.prepare(`SELECT ${PLANNED.join(', ')} FROM plex_items WHERE server_id = ? AND rating_key = ?`);
  /** Whether a row read from a listing of changes differs from what the mirror has (whole walks are not compared). */
  const differs = (row: Row) => {
    const old = stored.get(serverId, row.rating_key) as Record<string, unknown> | undefined;
    return !old || PLANNED.some((c) => (old[c] ?? null) !== (row[c] ?? null));
  };
  const stopped = () => !!opts.shouldStop?.();
  let total = 0;

  /** One page into the mirror. */
  const readPage = async (section: PlexSectionRef, type: ListingType, start: number, size: number, filters?: Record<string, string>) => {
    const page = await plex.items(section.id, type, { start, size, filters });
    result.requests++;
    const t = now();
    const rows = page.items.map((meta) => {
      const row = toRow(serverId, section, meta, meta.grandparentRatingKey ? showIds.get(meta.grandparentRatingKey) : undefined, opts.runId, t);
      if (row.type === 'show') showIds.set(String(row.rating_key), { imdb: row.imdb as string | null, tmdb: row.tmdb as number | null, tvdb: row.tvdb as number | null });
      if (row.unmatched_reason) result.unmatched++;
      if (!filters || differs(row)) result.changed++;
      return row;
    });
    writePage(rows);
    result.scanned += rows.length;
    return page;
  };

  /**
   * Every page of one listing; returns its first item (the newest, when sorted newest first).
   * An item that leaves a listing while it is read (un-watched, say) moves the later ones one
   * place up, and one of them would be missed: a listing whose total shrank is read again.
   */
  const walk = async (section: PlexSectionRef, type: ListingType, filters?: Record<string, string>): Promise<PlexMeta | undefined> => {
    let first: PlexMeta | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      let start = 0;
      let firstTotal: number | undefined;
      let shrank = false;
      // Bounded: stops at the reported total or at the first short page.
      for (let guard = 0; guard < 100_000; guard++) {
        if (stopped()) return first;
        const page = await readPage(section, type, start, pageSize, filters);
        if (firstTotal === undefined) {
          firstTotal = page.totalSize;
          if (attempt === 0) total += page.totalSize;
          first ??= page.items[0];
        } else if (page.totalSize < firstTotal) shrank = true;
        opts.onPage?.(result.scanned, Math.max(total, result.scanned));
        start += page.items.length;
        if (page.items.length === 0 || page.items.length < pageSize || start >= page.totalSize) break;
        await new Promise((r) => setImmediate(r)); // let webhooks and the page stream in between pages
      }
      if (!shrank) break;
    }
    return first;
  };

  /** The newest time of each field, from one-item listings sorted newest first. */
  const newestTimes = async (section: PlexSectionRef, type: ListingType, marks: FieldMarks) => {
    await Promise.all(
      FIELDS_OF[type].map(async (field) => {
        const page = await plex.items(section.id, type, { start: 0, size: 1, filters: changedSince(field, undefined) });
        result.requests++;
        const at = page.items[0]?.[field];
        if (typeof at === 'number') marks[field] = Math.max(marks[field] ?? 0, at);
      }),
    );
  };

  /** All of one listing type; what the mirror has of it and Plex no longer does is forgotten. */
  const walkWhole = async (section: PlexSectionRef, type: ListingType, why: string) => {
    result.walked.push(`${section.title} (${ROW_TYPE[type]}s): ${why}`);
    await walk(section, type);
    if (stopped()) return;
    // Gone from Plex (deleted, or moved out of this section): forget it.
    sqlite
      .prepare('DELETE FROM plex_items WHERE server_id = ? AND section_id = ? AND type = ? AND (seen_run_id IS NULL OR seen_run_id <> ?)')
      .run(serverId, section.id, ROW_TYPE[type], opts.runId);
  };

  const readType = async (section: PlexSectionRef, type: ListingType): Promise<FieldMarks> => {
    const prev = opts.full ? undefined : opts.markers?.sections[section.id]?.[type];
    const marks: FieldMarks = { ...prev };
    if (!prev) {
      // Plex's clock before the walk: what changes during it has a later time and is read next run.
      await newestTimes(section, type, marks);
      await walkWhole(section, type, opts.full ? 'full walk' : 'first read');
      return marks;
    }
    let differ: string | undefined;
    try {
      const before = await plexTotals(plex, section.id, type);
      result.requests += before.requests;
      await Promise.all(
        FIELDS_OF[type].map(async (field) => {
          const newest = await walk(section, type, changedSince(field, prev[field]));
          const at = newest?.[field];
          if (typeof at === 'number') marks[field] = Math.max(marks[field] ?? 0, at);
        }),
      );
      if (stopped()) return marks;
      differ = totalsDiffer(before.totals, mirrorTotals(sqlite, serverId, section.id, type));
    } catch (err) {
      // A server that refuses a filter or sort it does not know (a 4xx other than 401, or an
      // answer it cannot shape) still has its whole listing: read that instead of failing the run.
      if (!refusedFilter(err)) throw err;
      differ = `Plex refused the filtered listing (${err instanceof PlexHttpError ? err.status : 'not a listing'})`;
    }
    if (differ) await walkWhole(section, type, differ);
    return marks;
  };

  await Promise.all(
    sections.map(async (section) => {
      const types: ListingType[] = section.type === 'show' ? [2, 4] : [1];
      const marks: Partial<Record<ListingType, FieldMarks>> = {};
      // Shows before their episodes: an episode is matched with its show's ids.
      for (const type of types) marks[type] = await readType(section, type);
      result.markers.sections[section.id] = marks;
    }),
  );
  if (!stopped()) {
    // Sections that are no longer selected are no longer synced.
    const ids = sections.map((s) => s.id);
    result.changed += sqlite.prepare(`DELETE FROM plex_items WHERE server_id = ? AND section_id NOT IN (${ids.map(() => '?').join(',') || "''"})`).run(serverId, ...ids).changes;
  }
  return result;
}

function refusedFilter(err: unknown): boolean {
  if (err instanceof PlexHttpError) return err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 404;
  return err instanceof PlexResponseError;
}

/**
 * Reads Plex into the mirror from where the last read left off (its markers are a setting per
 * server), or whole when asked or when a section was never read, and keeps the new markers.
 */
export async function readPlex(db: Db, sqlite: BetterSqlite3.Database, plex: SyncPlex, opts: Omit<PlexMirrorOptions, 'markers'>): Promise<PlexMirrorResult> {
  const key = `sync.plexMirror.${plex.machineIdentifier}`;
  const saved = await getSetting<PlexMarkers | { at: number }>(db, key);
  const result = await mirrorPlexLibrary(sqlite, plex, { ...opts, markers: saved && 'version' in saved && saved.version === 2 ? saved : undefined });
  // A read cut short must not move the markers: the next run would skip what was not read.
  if (!opts.shouldStop?.()) await setSetting(db, key, result.markers);
  return result;
}
