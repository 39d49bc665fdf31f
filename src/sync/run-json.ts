/** A run as the API, the status and the CLI print it (ISO times, grouped counts). */
import type { SyncRunRow } from '../db/tables/sync.js';
import { guardReasonsOf } from './guard.js';
import { peopleOf, personRunJson } from './run-people.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function runJson(r: SyncRunRow) {
  return {
    id: r.id,
    status: r.status,
    phase: r.phase,
    trigger: r.trigger,
    dryRun: !!r.dry_run,
    fullWalk: !!r.full_walk,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    durationMs: (r.finished_at ?? Date.now()) - r.started_at,
    progress: { scanned: r.scanned, scanTotal: r.scan_total, writesDone: r.writes_done, writesPlanned: r.planned_writes },
    counts: {
      addedToTrakt: r.added_to_trakt,
      markedInPlex: r.marked_in_plex,
      removedFromTrakt: r.removed_from_trakt,
      unwatchedInPlex: r.unwatched_in_plex,
      ratingsToTrakt: r.ratings_to_trakt,
      ratingsToPlex: r.ratings_to_plex,
      unmatched: r.unmatched,
      notFound: r.not_found,
      errors: r.errors,
    },
    apiCalls: { plex: r.plex_requests, traktGets: r.trakt_gets, traktWrites: r.trakt_writes },
    ...(r.status === 'awaiting_approval' ? { guard: guardReasonsOf(r) } : {}),
    ...(r.undo_of !== null ? { undoOf: r.undo_of } : {}),
    ...(r.undo_event !== null ? { undoEvent: r.undo_event } : {}),
    error: r.error,
    // Each person the run covered (households): their outcome, the reason they were skipped, their counts.
    ...(r.people !== null ? { people: peopleOf(r).map(personRunJson) } : {}),
  };
}
