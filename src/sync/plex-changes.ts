/**
 * What an incremental Plex read asks for, and how it knows it missed nothing (API.md B.4).
 *
 * Times come from Plex's own clock, never ours: per section and listing type, the newest
 * `updatedAt` (metadata), `lastViewedAt` (plays) and `lastRatedAt` (ratings) Plex has shown,
 * and the next read asks for what is at or after each one (items in that same second are
 * read again: a change made in the same second as the last read is not lost). Each listing
 * is sorted newest first, so its first item is the newest time at the moment it was asked.
 *
 * An un-watch leaves no time behind (Plex removes `lastViewedAt`; `updatedAt` moves for
 * metadata only), nor does a deleted item. Totals catch them: Plex's counts (all, watched,
 * rated; `X-Plex-Container-Size: 0`), asked before the listings, must equal the mirror's
 * after them; any difference and that listing type is walked whole.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SyncPlex } from './ports.js';

export type ListingType = 1 | 2 | 4;
export type ChangeField = 'updatedAt' | 'lastViewedAt' | 'lastRatedAt';
/** Plex times in epoch seconds, per field. */
export type FieldMarks = Partial<Record<ChangeField, number>>;

export interface PlexMarkers {
  version: 2;
  /** section id → listing type → the newest times Plex has shown. */
  sections: Record<string, Partial<Record<ListingType, FieldMarks>>>;
}

/** Which times tell a change of each listing type (a show's lastViewedAt is its episodes'). */
export const FIELDS_OF: Record<ListingType, ChangeField[]> = {
  1: ['updatedAt', 'lastViewedAt', 'lastRatedAt'],
  2: ['updatedAt', 'lastRatedAt'],
  4: ['updatedAt', 'lastViewedAt', 'lastRatedAt'],
};

/** The plex_items type a listing type's rows get. */
export const ROW_TYPE: Record<ListingType, 'movie' | 'show' | 'episode'> = { 1: 'movie', 2: 'show', 4: 'episode' };

/**
 * Listing filters for what changed at or after `mark`, newest first. Plex's date operator
 * `>>=` is "after", so one second earlier; without a mark, everything that has the time.
 */
export function changedSince(field: ChangeField, mark: number | undefined): Record<string, string> {
  return { [`${field}>>`]: String(Math.max(0, (mark ?? 1) - 1)), sort: `${field}:desc` };
}

export interface Totals {
  all: number;
  /** Movies and episodes only. */
  watched?: number;
  rated: number;
}

/** Plex's totals for one listing type of a section: three count-only requests, in parallel. */
export async function plexTotals(plex: SyncPlex, sectionId: string, type: ListingType): Promise<{ totals: Totals; requests: number }> {
  const count = async (filters?: Record<string, string>) => (await plex.items(sectionId, type, { start: 0, size: 0, filters })).totalSize;
  const [all, rated, watched] = await Promise.all([
    count(),
    count({ 'userRating>>': '0' }),
    type === 2 ? Promise.resolve(undefined) : count({ unwatched: '0' }),
  ]);
  return { totals: { all, rated, ...(watched === undefined ? {} : { watched }) }, requests: type === 2 ? 2 : 3 };
}

/** The mirror's totals, counted the way Plex counts them (watched: any view; rated: above 0). */
export function mirrorTotals(sqlite: BetterSqlite3.Database, serverId: string, sectionId: string, type: ListingType): Totals {
  const r = sqlite
    .prepare(
      `SELECT COUNT(*) AS n, COALESCE(SUM(view_count > 0), 0) AS watched, COALESCE(SUM(user_rating > 0), 0) AS rated
       FROM plex_items WHERE server_id = ? AND section_id = ? AND type = ?`,
    )
    .get(serverId, sectionId, ROW_TYPE[type]) as { n: number; watched: number; rated: number };
  return { all: r.n, rated: r.rated, ...(type === 2 ? {} : { watched: r.watched }) };
}

/** Why the mirror and Plex disagree after the listings, or undefined when they agree. */
export function totalsDiffer(plex: Totals, mirror: Totals): string | undefined {
  const parts: string[] = [];
  if (plex.all !== mirror.all) parts.push(`${plex.all} items in Plex, ${mirror.all} in the mirror`);
  if (plex.watched !== mirror.watched) parts.push(`${plex.watched} watched in Plex, ${mirror.watched} in the mirror`);
  if (plex.rated !== mirror.rated) parts.push(`${plex.rated} rated in Plex, ${mirror.rated} in the mirror`);
  return parts.length ? parts.join('; ') : undefined;
}
