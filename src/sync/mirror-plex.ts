/**
 * Mirrors the selected Plex sections into `plex_items`: shows, then episodes, then movies,
 * paged, each page matched (ids only) and written in its own short transaction so
 * webhooks keep flowing during a long walk. A full walk also forgets items Plex no
 * longer has; an incremental one asks only for what changed since the last mirror.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ExternalIds } from '../ledger/item-key.js';
import { matchPlexItem } from './match.js';
import type { PlexMeta, PlexSectionRef, SyncPlex } from './ports.js';

export interface PlexMirrorOptions {
  runId: number;
  /** Walk everything (and drop what is gone) instead of asking for changes only. */
  full: boolean;
  /** Incremental: changes since this instant (epoch ms). */
  sinceMs?: number;
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
}

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
  const result: PlexMirrorResult = { sections: sections.length, scanned: 0, requests: 0, unmatched: 0 };
  let total = 0;

  const sinceSec = opts.sinceMs !== undefined ? Math.floor(opts.sinceMs / 1000) : undefined;
  // Incremental: what changed (metadata) and what was watched since; a full walk asks for everything.
  const filterSets: Array<Record<string, string> | undefined> =
    opts.full || sinceSec === undefined ? [undefined] : [{ 'updatedAt>>': String(sinceSec) }, { 'lastViewedAt>>': String(sinceSec) }];

  const walk = async (section: PlexSectionRef, type: 1 | 2 | 4) => {
    for (const filters of filterSets) {
      let start = 0;
      let known: number | undefined;
      // Bounded: stops at the reported total or at the first short page.
      for (let guard = 0; guard < 100_000; guard++) {
        if (opts.shouldStop?.()) return;
        const page = await plex.items(section.id, type, { start, size: pageSize, filters });
        result.requests++;
        if (known === undefined) {
          known = page.totalSize;
          total += page.totalSize;
        }
        const t = now();
        const rows = page.items.map((meta) => {
          const row = toRow(serverId, section, meta, meta.grandparentRatingKey ? showIds.get(meta.grandparentRatingKey) : undefined, opts.runId, t);
          if (row.type === 'show') showIds.set(String(row.rating_key), { imdb: row.imdb as string | null, tmdb: row.tmdb as number | null, tvdb: row.tvdb as number | null });
          if (row.unmatched_reason) result.unmatched++;
          return row;
        });
        writePage(rows);
        result.scanned += rows.length;
        opts.onPage?.(result.scanned, Math.max(total, result.scanned));
        start += page.items.length;
        if (page.items.length === 0 || page.items.length < pageSize || start >= page.totalSize) break;
        await new Promise((r) => setImmediate(r)); // let webhooks and the page stream in between pages
      }
    }
  };

  for (const section of sections) {
    if (section.type === 'show') {
      await walk(section, 2);
      await walk(section, 4);
    } else {
      await walk(section, 1);
    }
    if (opts.full && !opts.shouldStop?.()) {
      // Gone from Plex (deleted, or moved out of this section): forget it.
      sqlite.prepare('DELETE FROM plex_items WHERE server_id = ? AND section_id = ? AND (seen_run_id IS NULL OR seen_run_id <> ?)').run(serverId, section.id, opts.runId);
    }
  }
  if (opts.full) {
    // Sections that are no longer selected are no longer synced.
    const ids = sections.map((s) => s.id);
    sqlite.prepare(`DELETE FROM plex_items WHERE server_id = ? AND section_id NOT IN (${ids.map(() => '?').join(',') || "''"})`).run(serverId, ...ids);
  }
  return result;
}
