/**
 * What undoing a run (or one webhook event) would do, read from the ledger: the plays it
 * added to Trakt, the items it marked watched in Plex, the ratings it changed (on either
 * side), less what an earlier undo already did. Removals cannot be undone (the plays are
 * gone from Trakt; the sentence says so). A dry run wrote nothing; an undo is not undone.
 */
import type { Db } from '../db/database.js';
import type { LedgerRow } from '../db/tables/ledger.js';
import type { SyncRunRow } from '../db/tables/sync.js';

export type UndoTarget = { kind: 'run'; id: number } | { kind: 'event'; id: number };

export interface UndoPlan {
  target: UndoTarget;
  /** Plays it added (sent, or sent with the answer lost). */
  plays: LedgerRow[];
  /** Items it marked watched in Plex. */
  plexMarks: LedgerRow[];
  /** Ratings it set (with the value before it) on Trakt and in Plex. */
  traktRatings: LedgerRow[];
  plexRatings: LedgerRow[];
  /** What cannot be undone: removals it made, ratings whose earlier value was not recorded. */
  removals: number;
  ratingsWithoutPrevious: number;
}

/** Outcomes of an undo row that finish its work without a write (nothing there, or changed since). */
export const UNDO_SETTLED_OUTCOMES = ['nothing to undo', 'changed since'];

/** Ledger rows an earlier undo finished: not undone again. */
async function undoneIds(db: Db, ids: number[]): Promise<Set<number>> {
  const done = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('ledger')
      .select('undoes')
      .where('undoes', 'in', ids.slice(i, i + 500))
      .where((eb) => eb.or([eb('status', '=', 'sent'), eb('outcome', 'in', UNDO_SETTLED_OUTCOMES)]))
      .execute();
    for (const r of rows) if (r.undoes !== null) done.add(r.undoes);
  }
  return done;
}

/** A play on Trakt: a history add that was sent (or may have been: its answer was lost), or a scrobble Trakt took. */
const isPlay = (r: LedgerRow) =>
  (r.action === 'history.add' && (r.status === 'sent' || r.status === 'intent')) ||
  (r.action === 'scrobble.stop' && ((r.status === 'sent' && r.outcome === 'scrobble') || r.status === 'intent'));

export async function planUndo(db: Db, target: UndoTarget): Promise<UndoPlan> {
  const rows = await db
    .selectFrom('ledger')
    .selectAll()
    .where('source', '=', target.kind === 'run' ? 'sync' : 'webhook')
    .where('source_id', '=', target.id)
    .orderBy('id')
    .execute();
  const done = await undoneIds(db, rows.map((r) => r.id));
  const open = rows.filter((r) => !done.has(r.id));
  const ratingRows = open.filter((r) => r.status === 'sent' && (r.action === 'rating.add' || r.action === 'rating.remove' || r.action === 'plex.rate'));
  // A rating row without the value before it (written before the ledger kept it) cannot be put back.
  const known = (r: LedgerRow) => r.previous_rating !== null;
  return {
    target,
    plays: open.filter(isPlay),
    plexMarks: open.filter((r) => r.action === 'plex.watched' && r.status === 'sent'),
    traktRatings: ratingRows.filter((r) => r.target === 'trakt' && known(r)),
    plexRatings: ratingRows.filter((r) => r.target === 'plex' && known(r)),
    removals: rows.filter((r) => (r.action === 'history.remove' || r.action === 'plex.unwatched') && r.status === 'sent').length,
    ratingsWithoutPrevious: ratingRows.filter((r) => !known(r)).length,
  };
}

export const undoWrites = (p: UndoPlan) => p.plays.length + p.plexMarks.length + p.traktRatings.length + p.plexRatings.length;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "remove 254 plays from Trakt, mark 12 items unwatched in Plex, put back 3 ratings" (and what it cannot do). */
export function describeUndo(p: UndoPlan): string {
  const parts: string[] = [];
  if (p.plays.length) parts.push(`remove ${plural(p.plays.length, 'play')} from Trakt`);
  if (p.plexMarks.length) parts.push(`mark ${plural(p.plexMarks.length, 'item')} unwatched in Plex (each only if nobody watched it since)`);
  const ratings = p.traktRatings.length + p.plexRatings.length;
  if (ratings) parts.push(`put back ${plural(ratings, 'rating')}`);
  let s = parts.length ? `Undo will ${parts.join(', ')}.` : 'There is nothing left to undo.';
  if (p.removals) s += ` ${plural(p.removals, 'removal')} it made cannot be undone (the plays are gone from Trakt).`;
  if (p.ratingsWithoutPrevious) s += ` ${plural(p.ratingsWithoutPrevious, 'rating')} cannot be put back: the earlier value was not recorded.`;
  return s;
}

/** Why a run cannot be undone (a sentence), or undefined. */
export function runRefusal(run: SyncRunRow | undefined, id: number): string | undefined {
  if (!run) return `There is no sync run ${id}.`;
  if (run.dry_run) return `Run ${id} was a dry run: it wrote nothing, so there is nothing to undo.`;
  if (run.undo_of !== null || run.undo_event !== null) return `Run ${id} is itself an undo; undoing it would only repeat what it reversed. Run the sync again instead.`;
  if (run.status === 'running') return `Run ${id} is still going. Wait for it to finish, then undo it.`;
  if (run.status === 'awaiting_approval' || run.status === 'discarded') return `Run ${id} wrote nothing (it was held by the guard), so there is nothing to undo.`;
  return undefined;
}
