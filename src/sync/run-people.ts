/**
 * What a run keeps about each person it covered (`sync_runs.people`, JSON): whether they were
 * synced, skipped (and why, in a sentence), held by the guard or failed; their counts; and the
 * watched counts their guard compares with next time. The run's own columns hold the totals.
 */
import type { Db } from '../db/database.js';
import { OWNER_ACCOUNT_ID } from '../db/repos/people.js';
import type { SyncRunRow, SyncRunStatus } from '../db/tables/sync.js';
import type { WatchedCounts } from './guard.js';
import { zeroCounts, type RunCounts } from './write-plan.js';

export type PersonRunStatus = 'pending' | 'running' | 'succeeded' | 'partial' | 'failed' | 'skipped' | 'awaiting_approval';

export interface PersonRun {
  plexAccountId: number;
  name: string;
  traktAccountId: number | null;
  status: PersonRunStatus;
  /** Why they were skipped, why they failed, why the guard held them, or what a partial run missed. */
  reason: string | null;
  counts: RunCounts;
  /** Watched items on each side as this run left them (what the guard compares with next time). */
  plexWatched: number | null;
  traktWatched: number | null;
  /** When their part started and ended (epoch ms): each person's time, on the page and in the bench. */
  startedAt?: number | null;
  finishedAt?: number | null;
}

export function newPersonRun(plexAccountId: number, name: string, skipped: string | null): PersonRun {
  return { plexAccountId, name, traktAccountId: null, status: skipped ? 'skipped' : 'pending', reason: skipped, counts: zeroCounts(), plexWatched: null, traktWatched: null };
}

export function peopleOf(run: Pick<SyncRunRow, 'people'>): PersonRun[] {
  if (!run.people) return [];
  try {
    const list = JSON.parse(run.people) as PersonRun[];
    return Array.isArray(list) ? list.map((p) => ({ ...p, counts: { ...zeroCounts(), ...p.counts } })) : [];
  } catch {
    return [];
  }
}

/** The run's totals: every person's counts added up. */
export function totalCounts(people: PersonRun[]): RunCounts {
  const total = zeroCounts();
  for (const p of people) for (const k of Object.keys(total) as Array<keyof RunCounts>) total[k] += p.counts[k] ?? 0;
  return total;
}

/**
 * The watched counts this person's last written run left (what their guard compares with).
 * Runs from before households kept the owner's in the run's own columns.
 */
export async function lastWrittenCountsOf(db: Db, exceptRunId: number, plexAccountId: number): Promise<WatchedCounts | undefined> {
  const rows = await db
    .selectFrom('sync_runs')
    .select(['plex_watched', 'trakt_watched', 'people'])
    .where('dry_run', '=', 0)
    .where('status', 'in', ['succeeded', 'partial', 'awaiting_approval'])
    .where('undo_of', 'is', null)
    .where('undo_event', 'is', null)
    .where('id', '!=', exceptRunId)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  for (const row of rows) {
    if (row.people === null) {
      if (plexAccountId === OWNER_ACCOUNT_ID && row.plex_watched !== null && row.trakt_watched !== null) return { plex: row.plex_watched, trakt: row.trakt_watched };
      continue;
    }
    const p = peopleOf(row).find((x) => x.plexAccountId === plexAccountId);
    if (p && (p.status === 'succeeded' || p.status === 'partial') && p.plexWatched !== null && p.traktWatched !== null) return { plex: p.plexWatched, trakt: p.traktWatched };
  }
  return undefined;
}

/** A person as the API shows them inside a run (`GET /api/v1/runs/:id` → `people`). */
export function personRunJson(p: PersonRun) {
  const c = p.counts;
  return {
    plexAccountId: p.plexAccountId,
    name: p.name,
    status: p.status,
    reason: p.reason,
    durationMs: p.startedAt && p.finishedAt ? p.finishedAt - p.startedAt : null,
    progress: { scanned: c.scanned, scanTotal: c.scan_total, writesDone: c.writes_done, writesPlanned: c.planned_writes },
    counts: {
      addedToTrakt: c.added_to_trakt,
      markedInPlex: c.marked_in_plex,
      removedFromTrakt: c.removed_from_trakt,
      unwatchedInPlex: c.unwatched_in_plex,
      ratingsToTrakt: c.ratings_to_trakt,
      ratingsToPlex: c.ratings_to_plex,
      notFound: c.not_found,
      errors: c.errors,
    },
    apiCalls: { plex: c.plex_requests, traktGets: c.trakt_gets, traktWrites: c.trakt_writes },
  };
}

/** A held run's people; a run held before households was the owner's alone (its counts in its columns). */
export function heldEntries(run: SyncRunRow): PersonRun[] {
  const list = peopleOf(run);
  if (list.length) return list;
  const counts = zeroCounts();
  for (const k of Object.keys(counts) as Array<keyof RunCounts>) counts[k] = run[k];
  return [{ ...newPersonRun(1, 'The server owner', null), status: 'awaiting_approval', counts }];
}

export const sum = (list: PersonRun[], k: 'plexWatched' | 'traktWatched') => list.reduce((n, e) => n + (e[k] ?? 0), 0);

/**
 * The run's status and sentence from its people's: held when anyone's part is held; failed when
 * nobody was synced; partial when someone's part failed or fell short. With one person the
 * sentences are theirs, word for word.
 */
export function runOutcome(entries: PersonRun[]): { status: SyncRunStatus; error: string | null } {
  const covered = entries.filter((e) => e.status !== 'skipped');
  const one = covered.length === 1;
  const named = (list: PersonRun[]) => list.map((e) => (one ? e.reason : `${e.name}: ${e.reason}`)).join(' ');
  const held = covered.filter((e) => e.status === 'awaiting_approval');
  if (held.length) {
    const others = covered.length > held.length;
    const who = held.map((e) => e.name).join(', ');
    const lead = one ? 'The guard held this run before it wrote anything.' : `The guard held the part of this run for ${who}: nothing was written for them${others ? ' (the others were written)' : ''}.`;
    return { status: 'awaiting_approval', error: `${lead} ${held.map((e) => (one ? e.reason : `${e.name}: ${e.reason}`)).join(' ')} Approve it to write its plan, or discard it.` };
  }
  if (covered.length === 0) {
    const skipped = entries.filter((e) => e.status === 'skipped');
    return { status: 'failed', error: skipped.length === 1 ? skipped[0]!.reason : `Nobody could be synced. ${skipped.map((e) => e.reason).join(' ')}` };
  }
  const failed = covered.filter((e) => e.status === 'failed');
  if (failed.length === covered.length) return { status: 'failed', error: named(failed) };
  const short = covered.filter((e) => e.status === 'failed' || e.status === 'partial');
  if (short.length) return { status: 'partial', error: named(short) };
  return { status: 'succeeded', error: null };
}
