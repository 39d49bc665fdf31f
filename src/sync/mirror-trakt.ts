/**
 * Mirrors the Trakt account's watched movies and episodes and its ratings into
 * `trakt_watched` / `trakt_ratings`. `/sync/last_activities` comes first: a list whose
 * activity time did not move since the last mirror is not fetched again. Pages are
 * walked by the `X-Pagination-*` headers, never by the limit we asked for.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SyncTrakt, TraktResponse } from './ports.js';

export interface TraktMirrorResult {
  gets: number;
  fetched: string[];
  skipped: string[];
  watchedRows: number;
  ratingRows: number;
  /** The activity times to store once the run's writes are done. */
  activities: Activities;
  /** Shows whose progress Trakt reset (a re-watch): episodes watched before the reset were left out of the watched list. */
  resetShows: Ids[];
  /** Trakt's clock when last_activities was read (its Date header), epoch ms. */
  serverTime: number;
}

/**
 * What a run knew of Trakt when it last settled: the server's time of that read and, when the run
 * wrote, how many plays and ratings Trakt had after its writes. Trakt's activity times have whole
 * seconds, so a change made on trakt.tv within the same second as our last read cannot be seen in
 * them: such an "ambiguous" time is checked against these counts (one GET), not taken on trust.
 */
export interface SettledMarks {
  at: number;
  plays: number | null;
  ratings: number | null;
}

export type Activities = Record<string, string | null>;

/** The activity fields each list depends on. */
const LISTS = {
  'watched.movies': ['movies.watched_at'],
  'watched.episodes': ['episodes.watched_at'],
  'ratings.movies': ['movies.rated_at'],
  'ratings.shows': ['shows.rated_at'],
  'ratings.episodes': ['episodes.rated_at'],
} as const;
type ListName = keyof typeof LISTS;

export class TraktReadError extends Error {}

type Ids = { trakt?: number | null; imdb?: string | null; tmdb?: number | null; tvdb?: number | null };

export function pickActivities(body: unknown): Activities {
  const out: Activities = {};
  const b = (body ?? {}) as Record<string, Record<string, string | null> | undefined>;
  for (const fields of Object.values(LISTS)) {
    for (const f of fields) {
      const [group, field] = f.split('.') as [string, string];
      out[f] = b[group]?.[field] ?? null;
    }
  }
  return out;
}

function ok(res: TraktResponse, what: string): unknown[] {
  if (res.status !== 200 || !Array.isArray(res.body)) throw new TraktReadError(`Trakt answered ${res.status} when reading ${what}; the sync will try again on its next run.`);
  return res.body;
}

/**
 * Every page of a paginated list (bounded by the page count Trakt reports), each handed to
 * `onPage` as it arrives so no whole list is ever held: a large account's lists stream into SQLite.
 */
export async function forEachPage(trakt: SyncTrakt, path: string, limit: number, count: () => void, onPage: (items: unknown[]) => void): Promise<void> {
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1, pages = 1; page <= pages && page <= 10_000; page++) {
    const res = await trakt.get(`${path}${sep}page=${page}&limit=${limit}`);
    count();
    onPage(ok(res, path));
    const h = res.headers['x-pagination-page-count'];
    pages = h !== undefined ? Number(h) : page; // no header: the list was not paginated
    if (!Number.isFinite(pages)) pages = page;
  }
}

const WATCHED_COLS = ['account_id', 'kind', 'trakt', 'imdb', 'tmdb', 'tvdb', 'show_trakt', 'show_imdb', 'show_tmdb', 'show_tvdb', 'season', 'number', 'plays', 'last_watched_at', 'title'];
const RATING_COLS = ['account_id', 'kind', 'trakt', 'imdb', 'tmdb', 'tvdb', 'show_trakt', 'show_imdb', 'show_tmdb', 'show_tvdb', 'season', 'number', 'rating', 'rated_at'];

/**
 * A list replaced page by page: pages go to a TEMP staging table as they arrive, and the mirror
 * table is swapped in one transaction at the end, so a read that fails half-way leaves the mirror
 * as it was, and readers never see half a list.
 */
function stagedReplace(sqlite: BetterSqlite3.Database, table: 'trakt_watched' | 'trakt_ratings', account: number, kind: string) {
  const cols = (table === 'trakt_watched' ? WATCHED_COLS : RATING_COLS).join(', ');
  const stage = `temp.stage_${table}`;
  sqlite.exec(`CREATE TEMP TABLE IF NOT EXISTS stage_${table} AS SELECT ${cols} FROM main.${table} WHERE 0`);
  sqlite.exec(`DELETE FROM ${stage}`);
  const ins = sqlite.prepare(`INSERT INTO ${stage} (${cols}) VALUES (${cols.split(', ').map((c) => `@${c}`).join(', ')})`);
  let rows = 0;
  return {
    add: (page: Record<string, unknown>[]) => {
      sqlite.transaction(() => page.forEach((r) => ins.run(r)))();
      rows += page.length;
    },
    commit: () => {
      sqlite.transaction(() => {
        sqlite.prepare(`DELETE FROM main.${table} WHERE account_id = ? AND kind = ?`).run(account, kind);
        sqlite.exec(`INSERT INTO main.${table} (${cols}) SELECT ${cols} FROM ${stage}; DELETE FROM ${stage};`);
      })();
      return rows;
    },
  };
}

interface Options {
  /** Fetch everything, whatever last_activities says. */
  full: boolean;
  /** The activity times stored after the last mirror, or undefined the first time. */
  previous?: Activities;
  /** When those times were read, and the counts that go with them. */
  settled?: SettledMarks;
}

/** Total plays (`/sync/history`) or ratings (`/sync/ratings/all`) on the account: one GET, the item count of a one-item page. */
export async function traktCount(trakt: SyncTrakt, what: 'plays' | 'ratings'): Promise<number | null> {
  const res = await trakt.get(what === 'plays' ? '/sync/history?page=1&limit=1' : '/sync/ratings/all?page=1&limit=1');
  const n = Number(res.headers['x-pagination-item-count']);
  return res.status === 200 && Number.isFinite(n) ? n : null;
}

export function serverTimeOf(res: TraktResponse): number {
  const t = Date.parse(res.headers['date'] ?? '');
  return Number.isFinite(t) ? t : Date.now();
}

export async function mirrorTrakt(sqlite: BetterSqlite3.Database, trakt: SyncTrakt, opts: Options): Promise<TraktMirrorResult> {
  const account = trakt.accountId;
  const result: TraktMirrorResult = { gets: 0, fetched: [], skipped: [], watchedRows: 0, ratingRows: 0, activities: {}, resetShows: [], serverTime: Date.now() };
  const count = () => void result.gets++;
  const la = await trakt.get('/sync/last_activities');
  count();
  if (la.status !== 200) throw new TraktReadError(`Trakt answered ${la.status} to /sync/last_activities; the sync will try again on its next run.`);
  result.serverTime = serverTimeOf(la);
  const activities = pickActivities(la.body);
  result.activities = activities;
  const settled = opts.settled;
  // A time in the same second as our last read (Trakt's clock, whole seconds) may hide a change
  // made just after that read: check the count.
  const ambiguous = (f: string) => !settled || Math.floor(Date.parse(activities[f]!) / 1000) >= Math.floor(settled.at / 1000);
  const counts = new Map<'plays' | 'ratings', Promise<boolean>>();
  const countMoved = (what: 'plays' | 'ratings') => {
    if (!counts.has(what)) {
      const known = what === 'plays' ? settled?.plays : settled?.ratings;
      counts.set(what, known === null || known === undefined ? Promise.resolve(true) : traktCount(trakt, what).then((n) => (count(), n !== known)));
    }
    return counts.get(what)!;
  };
  const changed = async (list: ListName) => {
    if (opts.full || !opts.previous) return true;
    const fields = LISTS[list];
    if (fields.some((f) => !activities[f] || activities[f] !== opts.previous![f])) return true;
    if (!fields.some(ambiguous)) return false;
    return countMoved(list.startsWith('watched') ? 'plays' : 'ratings');
  };

  const base = (ids: Ids | undefined) => ({ trakt: ids?.trakt ?? null, imdb: ids?.imdb ?? null, tmdb: ids?.tmdb ?? null, tvdb: ids?.tvdb ?? null });
  const showBase = (ids: Ids | undefined) => ({ show_trakt: ids?.trakt ?? null, show_imdb: ids?.imdb ?? null, show_tmdb: ids?.tmdb ?? null, show_tvdb: ids?.tvdb ?? null });
  const noShow = showBase(undefined);
  const time = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) : null);

  if (await changed('watched.movies')) {
    const staged = stagedReplace(sqlite, 'trakt_watched', account, 'movie');
    await forEachPage(trakt, '/sync/watched/movies', 250, count, (items) =>
      staged.add((items as Array<Record<string, any>>).map((it) => ({
        account_id: account, kind: 'movie', ...base(it.movie?.ids), ...noShow, season: null, number: null,
        plays: it.plays ?? 1, last_watched_at: time(it.last_watched_at), title: it.movie?.title ?? null,
      }))),
    );
    result.watchedRows += staged.commit();
    result.fetched.push('watched.movies');
  } else result.skipped.push('watched.movies');

  if (await changed('watched.episodes')) {
    // 2026: seasons only come with extended=progress, at most 100 shows a page.
    const staged = stagedReplace(sqlite, 'trakt_watched', account, 'episode');
    await forEachPage(trakt, '/sync/watched/shows?extended=progress', 100, count, (shows) => {
    const rows: Record<string, unknown>[] = [];
    for (const s of shows as Array<Record<string, any>>) {
      const resetAt = time(s.reset_at);
      let wasReset = false;
      for (const season of s.seasons ?? []) {
        for (const e of season.episodes ?? []) {
          const last = time(e.last_watched_at);
          // A show re-watch resets progress: older plays no longer count as watched.
          if (resetAt && last && last < resetAt) {
            wasReset = true;
            continue;
          }
          if (!e.plays && !e.completed && !last) continue;
          rows.push({
            account_id: account, kind: 'episode', trakt: null, imdb: null, tmdb: null, tvdb: null, ...showBase(s.show?.ids),
            season: season.number, number: e.number, plays: e.plays ?? 1, last_watched_at: last, title: s.show?.title ?? null,
          });
        }
      }
      if (wasReset && s.show?.ids) result.resetShows.push(s.show.ids);
    }
    staged.add(rows);
    });
    result.watchedRows += staged.commit();
    result.fetched.push('watched.episodes');
  } else result.skipped.push('watched.episodes');

  for (const [list, kind] of [['ratings.movies', 'movie'], ['ratings.shows', 'show'], ['ratings.episodes', 'episode']] as const) {
    if (!(await changed(list))) {
      result.skipped.push(list);
      continue;
    }
    const staged = stagedReplace(sqlite, 'trakt_ratings', account, kind);
    await forEachPage(trakt, `/sync/ratings/${kind}s`, 250, count, (items) =>
      staged.add((items as Array<Record<string, any>>).map((it) => {
        const own = kind === 'movie' ? it.movie?.ids : kind === 'show' ? it.show?.ids : it.episode?.ids;
        return {
          account_id: account, kind, ...base(own), ...(kind === 'episode' ? showBase(it.show?.ids) : noShow),
          season: kind === 'episode' ? (it.episode?.season ?? null) : null, number: kind === 'episode' ? (it.episode?.number ?? null) : null,
          rating: it.rating, rated_at: time(it.rated_at),
        };
      })),
    );
    result.ratingRows += staged.commit();
    result.fetched.push(list);
  }
  return result;
}
