/**
 * Keeps `trakt_history` equal to one account's Trakt history.
 *
 * - First fill: walk /sync/history newest first (250 a page), storing each page as it
 *   arrives; an interrupted fill resumes below the oldest play it stored (`end_at`).
 * - Incremental: ask /sync/last_activities; when movies/episodes `watched_at` moved, walk
 *   pages newest first until a page reaches plays it already has. `start_at` filters on watched_at, so
 *   a back-dated play (a sync's, a late scrobble's, one added on Trakt's site) can sit deep
 *   in the list: when Trakt's total (X-Pagination-Item-Count) then differs from ours, the
 *   watched_at axis is bisected, comparing Trakt's count of each range with ours, and only
 *   ranges that differ are fetched (a range of <= 250 plays is replaced whole, which also
 *   drops plays removed on Trakt). A few requests per stray play, bounded by a budget.
 * - Full refresh: walk everything; plays not seen are removed, unless Trakt's history
 *   changed during the walk (then the bisection settles the difference).
 * Nothing is deleted unless Trakt's answer for that range was complete, so an error leaves
 * the mirror as it was (plus whatever whole pages were stored).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { countInRange, countPlays, deletePlays, endSeen, idsInRange, markSeen, newestPlay, oldestPlay, startSeen, upsertPlays } from '../db/repos/history-plays.js';
import { getHistoryState, parseActivities, saveHistoryState, type ActivityMarks } from '../db/repos/history-state.js';
import type { Logger } from '../log/logger.js';
import { historyRowOf } from './map.js';
import type { HistoryPageAnswer, HistorySource, HistoryWalk } from './source.js';

export type RefreshKind = 'fill' | 'full' | 'check';

export interface MirrorProgress {
  kind: RefreshKind;
  pagesDone: number;
  pageCount?: number;
  itemsDone: number;
  itemCount?: number;
}

export interface RefreshResult {
  kind: RefreshKind;
  /** Trakt requests made. */
  requests: number;
  added: number;
  removed: number;
  /** False when the last_activities marks were unchanged and nothing was fetched. */
  changed: boolean;
  /** True when the mirror agrees with Trakt's count at the end. */
  complete: boolean;
  remoteCount?: number;
  localCount: number;
}

export interface MirrorOptions {
  pageLimit?: number;
  /** Trakt requests one bisection may spend. */
  reconcileBudget?: number;
  /** Pages an incremental refresh walks before leaving the rest to the bisection. */
  maxIncrementalPages?: number;
  onProgress?: (p: MirrorProgress) => void;
  /** Checked between pages: true stops the refresh (shutdown) without deleting anything. */
  shouldStop?: () => boolean;
  now?: () => number;
}

export interface MirrorDeps {
  db: Db;
  sqlite: BetterSqlite3.Database;
  log: Logger;
}

const LOW = -8.64e15;
const HIGH = 8.64e15;
const DAY = 86_400_000;
const FRESH_MARK_MS = 5000;

/** Trakt keeps whole seconds: a split at x.500 s never falls on a play, so inclusive or exclusive bounds agree. */
const halfSecond = (t: number) => Math.floor(t / 1000) * 1000 + 500;

export const sameMarks = (a: ActivityMarks | undefined, b: ActivityMarks | undefined) =>
  !!a && !!b && a.movies === b.movies && a.episodes === b.episodes;

interface Range {
  from?: number;
  to?: number;
}

export class HistoryMirror {
  private requests = 0;
  private added = 0;
  private removed = 0;
  private readonly limit: number;
  private readonly now: () => number;

  constructor(
    private readonly d: MirrorDeps,
    readonly accountId: number,
    private readonly source: HistorySource,
    private readonly o: MirrorOptions = {},
  ) {
    this.limit = Math.min(250, Math.max(1, o.pageLimit ?? 250));
    this.now = o.now ?? Date.now;
  }

  /** 'check' = incremental (forced: even when the activity marks did not move); 'auto' picks fill or incremental. */
  async refresh(mode: 'auto' | 'full' | 'check' = 'auto'): Promise<RefreshResult> {
    this.requests = this.added = this.removed = 0;
    const state = await getHistoryState(this.d.db, this.accountId);
    try {
      if (mode === 'full') return await this.walkAll('full');
      if (!state || state.phase !== 'ready') return await this.walkAll('fill');
      return await this.incremental(mode === 'check');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await saveHistoryState(this.d.db, this.accountId, { last_error: message, last_error_at: this.now() });
      throw err;
    }
  }

  private async activities(): Promise<ActivityMarks> {
    this.requests += 1;
    return this.source.lastActivities();
  }

  private async *pages(w: HistoryWalk): AsyncGenerator<HistoryPageAnswer> {
    for await (const p of this.source.walk(w)) {
      this.requests += 1;
      if (this.o.shouldStop?.()) throw new Error('The history refresh stopped because the service is shutting down.');
      yield p;
    }
  }

  private store(page: HistoryPageAnswer): { ids: number[]; inserted: number } {
    const rows = [];
    for (const item of page.items) {
      const row = historyRowOf(this.accountId, item);
      if (row) rows.push(row);
    }
    const res = upsertPlays(this.d.sqlite, rows);
    this.added += res.inserted.length;
    return { ids: rows.map((r) => r.history_id), inserted: res.inserted.length };
  }

  private remove(ids: number[]): void {
    if (ids.length) this.removed += deletePlays(this.d.sqlite, this.accountId, ids);
  }

  /** First fill (resumable) or full refresh (removes what Trakt no longer has). */
  private async walkAll(kind: 'fill' | 'full'): Promise<RefreshResult> {
    const state = await getHistoryState(this.d.db, this.accountId);
    const resumeAt = kind === 'fill' && state?.phase === 'filling' ? oldestPlay(this.d.sqlite, this.accountId)?.watched_at : undefined;
    const before = await this.activities();
    let itemsDone = resumeAt === undefined ? 0 : countPlays(this.d.sqlite, this.accountId);
    let pagesDone = 0;
    let remote: number | undefined;
    // A full walk notes the plays it sees in SQLite (not a JS Set), to drop the rest at the end.
    const full = kind === 'full';
    if (full) startSeen(this.d.sqlite, this.accountId);
    if (kind === 'fill') await saveHistoryState(this.d.db, this.accountId, { phase: 'filling', fill_pages_done: 0, last_error: null });
    for await (const page of this.pages({ endAt: resumeAt, limit: this.limit })) {
      const { ids } = this.store(page);
      if (full) markSeen(this.d.sqlite, this.accountId, ids);
      pagesDone += 1;
      itemsDone += page.items.length;
      if (page.page === 1) remote = resumeAt === undefined ? page.itemCount : undefined;
      const pageCount = page.pageCount;
      const itemCount = resumeAt === undefined ? page.itemCount : undefined;
      if (kind === 'fill') {
        await saveHistoryState(this.d.db, this.accountId, { fill_pages_done: pagesDone, fill_page_count: pageCount ?? null, fill_items_done: itemsDone, fill_item_count: itemCount ?? null });
      }
      this.o.onProgress?.({ kind, pagesDone, pageCount, itemsDone, itemCount });
    }
    let complete = true;
    if (full) {
      const after = await this.activities();
      const same = sameMarks(before, after);
      this.removed += endSeen(this.d.sqlite, this.accountId, same);
      if (!same) complete = await this.reconcile(undefined);
    } else if (resumeAt !== undefined || remote === undefined || remote !== countPlays(this.d.sqlite, this.accountId)) {
      complete = await this.reconcile(remote);
    }
    return this.finish(kind, true, complete, complete ? before : undefined, remote, kind === 'full');
  }

  private async incremental(force: boolean): Promise<RefreshResult> {
    const state = await getHistoryState(this.d.db, this.accountId);
    const stored = parseActivities(state?.activities);
    const marks = await this.activities();
    if (!force && sameMarks(stored, marks)) return this.finish('check', false, true, marks, state?.remote_count ?? undefined, false);
    let remote: number | undefined;
    let walked = 0;
    // Smaller pages here: after a scrobble, one page of 100 holds the new play and plays we know.
    for await (const page of this.pages({ limit: Math.min(this.limit, 100) })) {
      if (page.page === 1) remote = page.itemCount;
      walked += 1;
      const { ids, inserted } = this.store(page);
      // Reached plays we know: anything older that is new (back-dated) shows in the counts.
      if (inserted < ids.length || walked >= (this.o.maxIncrementalPages ?? 40)) break;
    }
    const local = countPlays(this.d.sqlite, this.accountId);
    const complete = remote === local || (await this.reconcile(remote));
    return this.finish('check', true, complete, complete ? marks : undefined, remote, false);
  }

  /** Bisects watched_at until every range's count agrees with Trakt's; false when the budget ran out. */
  private async reconcile(total: number | undefined): Promise<boolean> {
    let budget = this.o.reconcileBudget ?? 60;
    const newest = newestPlay(this.d.sqlite, this.accountId)?.watched_at ?? 0;
    const oldest = oldestPlay(this.d.sqlite, this.accountId)?.watched_at ?? 0;
    const guessLow = halfSecond(Math.min(oldest, 0) - 1000);
    const guessHigh = halfSecond(Math.max(newest, this.now()) + DAY);

    const localIn = (r: Range) => countInRange(this.d.sqlite, this.accountId, r.from ?? LOW, r.to ?? HIGH);

    /** Replaces a range with what Trakt has in it, reading every page (a range too narrow to split). */
    const replaceWhole = async (r: Range): Promise<boolean> => {
      const ids = new Set<number>();
      for await (const page of this.pages({ startAt: r.from, endAt: r.to, limit: this.limit })) {
        if (budget-- <= 0) return false;
        for (const id of this.store(page).ids) ids.add(id);
      }
      this.remove(idsInRange(this.d.sqlite, this.accountId, r.from ?? LOW, r.to ?? HIGH).filter((id) => !ids.has(id)));
      return true;
    };

    const settle = async (r: Range, knownRemote: number | undefined, depth: number): Promise<{ ok: boolean; remote?: number }> => {
      if (knownRemote !== undefined && knownRemote === localIn(r)) return { ok: true, remote: knownRemote };
      if (budget <= 0) return { ok: false };
      budget -= 1;
      let first: HistoryPageAnswer | undefined;
      for await (const page of this.pages({ startAt: r.from, endAt: r.to, limit: this.limit })) {
        first = page;
        break;
      }
      if (!first) return { ok: false };
      const { ids } = this.store(first);
      const remote = first.itemCount ?? (first.items.length < this.limit ? first.items.length : undefined);
      if (remote === undefined) return { ok: false };
      if (remote <= first.items.length) {
        const have = new Set(ids);
        this.remove(idsInRange(this.d.sqlite, this.accountId, r.from ?? LOW, r.to ?? HIGH).filter((id) => !have.has(id)));
        return { ok: true, remote };
      }
      if (remote === localIn(r)) return { ok: true, remote };
      const lo = r.from ?? guessLow;
      const hi = r.to ?? guessHigh;
      if (hi - lo <= 2000 || depth > 60) return { ok: await replaceWhole(r), remote };
      const mid = halfSecond(lo + (hi - lo) / 2);
      const left = await settle({ from: r.from, to: mid }, undefined, depth + 1);
      const right = await settle({ from: mid, to: r.to }, left.remote === undefined ? undefined : remote - left.remote, depth + 1);
      return { ok: left.ok && right.ok, remote };
    };

    const res = await settle({}, total, 0);
    if (!res.ok) this.d.log.warn({ component: 'history', accountId: this.accountId }, 'history mirror still differs from Trakt after this refresh; the next one continues');
    return res.ok;
  }

  private async finish(kind: RefreshKind, changed: boolean, complete: boolean, marks: ActivityMarks | undefined, remote: number | undefined, full: boolean): Promise<RefreshResult> {
    const now = this.now();
    // Trakt's marks have whole seconds: a change later in the same second as the mark would not
    // move it, so a mark this recent is not trusted and the next refresh looks anyway.
    if (marks && [marks.movies, marks.episodes].some((m) => m !== null && now - Date.parse(m) < FRESH_MARK_MS)) marks = undefined;
    await saveHistoryState(this.d.db, this.accountId, {
      phase: 'ready',
      // Unconfirmed marks force the next refresh to look again.
      activities: marks ? JSON.stringify(marks) : null,
      remote_count: remote ?? null,
      last_checked_at: now,
      ...(full ? { last_full_at: now } : {}),
      last_error: null,
      last_error_at: null,
    });
    return { kind, requests: this.requests, added: this.added, removed: this.removed, changed, complete, remoteCount: remote, localCount: countPlays(this.d.sqlite, this.accountId) };
  }
}
