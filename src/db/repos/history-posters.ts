/** The TMDB poster cache (`tmdb_posters`): paths with an expiry; failures expire soon. */
import type BetterSqlite3 from 'better-sqlite3';
import type { PosterMedia, PosterRow, PosterStatus } from '../tables/history.js';

export const posterKey = (media: PosterMedia, id: number) => `${media}:${id}`;

/** Cached rows that have not expired, by "media:id". */
export function cachedPosters(sqlite: BetterSqlite3.Database, wanted: Array<{ media: PosterMedia; tmdbId: number }>, now = Date.now()): Map<string, PosterRow> {
  const out = new Map<string, PosterRow>();
  if (!wanted.length) return out;
  const get = sqlite.prepare('SELECT * FROM tmdb_posters WHERE media = ? AND tmdb_id = ? AND expires_at > ?');
  for (const w of wanted) {
    const k = posterKey(w.media, w.tmdbId);
    if (out.has(k)) continue;
    const row = get.get(w.media, w.tmdbId, now) as PosterRow | undefined;
    if (row) out.set(k, row);
  }
  return out;
}

export function storePoster(
  sqlite: BetterSqlite3.Database,
  p: { media: PosterMedia; tmdbId: number; posterPath: string | null; status: PosterStatus; ttlMs: number },
  now = Date.now(),
): void {
  sqlite
    .prepare(
      `INSERT INTO tmdb_posters (media, tmdb_id, poster_path, status, fetched_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (media, tmdb_id) DO UPDATE SET poster_path = excluded.poster_path, status = excluded.status,
         fetched_at = excluded.fetched_at, expires_at = excluded.expires_at`,
    )
    .run(p.media, p.tmdbId, p.posterPath, p.status, now, now + p.ttlMs);
}
