/** What the History page shows, read from the mirror only (never from Trakt). */
import { countPlays, countsByRange, listPlays, type Cursor, type PlayFilter } from '../db/repos/history-plays.js';
import { getHistoryState } from '../db/repos/history-state.js';
import { defaultTraktAccount } from '../db/repos/trakt-accounts.js';
import { pickPerson, type PersonWithTrakt } from '../people/trakt-of.js';
import type { HistoryRow } from '../db/tables/history.js';
import type { PosterWanted } from '../tmdb/posters.js';
import type { AppDeps } from './env.js';
import type { PlayView } from '../../views/history/play-row.js';
import type { HistoryStatusView } from '../../views/history/status.js';
import type { ResultsView } from '../../views/pages/history.js';
import { monthBuckets, monthRanges, type MonthBucket } from '../history/chart.js';
import { cursorOf } from '../history/map.js';
import { provenanceFor } from '../history/provenance.js';

export const PAGE_SIZE = 50;

/** The show's poster for an episode, the movie's for a movie. */
export function posterWanted(r: HistoryRow): PosterWanted | undefined {
  if (r.type === 'movie') return r.movie_tmdb !== null ? { media: 'movie', tmdbId: r.movie_tmdb } : undefined;
  return r.show_tmdb !== null ? { media: 'tv', tmdbId: r.show_tmdb } : undefined;
}

/** The connected (owner's) account: what the status API reports. */
export async function historyAccount(deps: AppDeps): Promise<{ id: number; username: string } | undefined> {
  const a = await defaultTraktAccount(deps.db);
  return a && { id: a.id, username: a.username };
}

/** The live topic of one account's history: a page subscribes to its person's account only. */
export const historyTopic = (accountId: number) => `history:${accountId}`;

export interface HistoryPick {
  /** Everyone with a Trakt account (the picker). */
  people: PersonWithTrakt[];
  person?: PersonWithTrakt;
  account?: { id: number; username: string };
  /** `?person=` named nobody with a Trakt account: a sentence, answered with a 404. */
  problem?: string;
  /**
   * The person as links must carry it: set when the request named one, so a chosen person stays
   * chosen while paging, filtering and refreshing; the default page keeps its plain URLs.
   */
  linkPerson?: number;
}

/** The person the History page (and its fragments and export) shows: `?person=<plexAccountId>`, else the owner. */
export async function historyPick(deps: AppDeps, asked: string | undefined): Promise<HistoryPick> {
  const r = await pickPerson(deps.db, asked);
  if ('problem' in r) return { people: r.people, problem: r.problem };
  if ('none' in r) return { people: [] };
  const linkPerson = asked ? r.person.plexAccountId : undefined;
  return { people: r.people, person: r.person, account: { id: r.person.traktAccountId, username: r.person.traktUsername }, linkPerson };
}

export async function tmdbEnabled(deps: AppDeps): Promise<boolean> {
  return !!(await deps.posters.apiKey());
}

export async function playViews(deps: AppDeps, accountId: number, rows: HistoryRow[], enabled?: boolean): Promise<PlayView[]> {
  const on = enabled ?? (await tmdbEnabled(deps));
  const posters = await deps.posters.states(rows.map(posterWanted), on);
  const via = provenanceFor(deps.sqlite, accountId, rows);
  return rows.map((row, i) => ({ row, poster: posters[i]!, via: via.get(row.history_id) }));
}

export async function resultsView(deps: AppDeps, accountId: number | undefined, filter: PlayFilter & { person?: number }, before?: Cursor, enabled?: boolean): Promise<ResultsView> {
  if (accountId === undefined) return { plays: [], matching: 0, filter };
  const rows = listPlays(deps.sqlite, accountId, { ...filter, before, limit: PAGE_SIZE + 1 });
  const more = rows.length > PAGE_SIZE;
  const page = more ? rows.slice(0, PAGE_SIZE) : rows;
  return {
    plays: await playViews(deps, accountId, page, enabled),
    // The count is only shown with the first page.
    matching: before ? 0 : countPlays(deps.sqlite, accountId, filter),
    filter,
    next: more ? cursorOf(page.at(-1)!) : undefined,
  };
}

export async function statusView(deps: AppDeps, account: { id: number; username: string } | undefined, person?: PersonWithTrakt, linkPerson?: number): Promise<HistoryStatusView> {
  if (!account) return { phase: 'empty', lastCheckedAt: null, lastError: null, total: 0 };
  const st = await getHistoryState(deps.db, account.id);
  return {
    account,
    person: person && { plexAccountId: person.plexAccountId, name: person.name, kind: person.kind, traktStatus: person.traktStatus },
    linkPerson,
    phase: st?.phase ?? 'empty',
    running: deps.history.running.get(account.id),
    fill: st ? { pagesDone: st.fill_pages_done, pageCount: st.fill_page_count, itemsDone: st.fill_items_done, itemCount: st.fill_item_count } : undefined,
    lastCheckedAt: st?.last_checked_at ?? null,
    lastError: st?.last_error ?? null,
    total: countPlays(deps.sqlite, account.id),
  };
}

export function chartView(deps: AppDeps, accountId: number | undefined, now = Date.now()): MonthBucket[] {
  const months = monthRanges(now);
  return monthBuckets(months, accountId === undefined ? [] : countsByRange(deps.sqlite, accountId, months.map((m) => m.range)));
}
