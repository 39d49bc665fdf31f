/** A run's people (households): each person's outcome, counts, and why anyone was left out. */
import type { SyncRunRow } from '../../src/db/tables/sync.js';
import { peopleOf, type PersonRun } from '../../src/sync/run-people.js';

const STATUS: Record<PersonRun['status'], string> = {
  pending: 'waiting',
  running: 'running',
  succeeded: 'synced',
  partial: 'partly written',
  failed: 'failed',
  skipped: 'left out',
  awaiting_approval: 'held for approval',
};

export function RunPeople(props: { run: Pick<SyncRunRow, 'id' | 'people'> }) {
  const people = peopleOf(props.run);
  if (people.length === 0) return <div id={`run-people-${props.run.id}`}></div>;
  return (
    <div id={`run-people-${props.run.id}`} tabindex={0} class="overflow-x-auto" aria-label="People of this run">
      <table class="w-full text-sm">
        <thead class="text-left text-xs uppercase text-slate-600 dark:text-slate-400">
          <tr>
            <th class="py-1 pr-3">Person</th>
            <th class="py-1 pr-3">Outcome</th>
            <th class="py-1 pr-3">Scanned</th>
            <th class="py-1 pr-3">To Trakt</th>
            <th class="py-1 pr-3">Marked in Plex</th>
            <th class="py-1 pr-3">Ratings</th>
            <th class="py-1">Why</th>
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr class="border-t border-slate-200 dark:border-slate-700" data-person={p.plexAccountId} data-person-status={p.status}>
              <td class="py-1 pr-3">{p.name}</td>
              <td class="py-1 pr-3">{p.status === 'failed' ? <strong>{STATUS[p.status]}</strong> : STATUS[p.status]}</td>
              <td class="py-1 pr-3">{p.counts.scanned}</td>
              <td class="py-1 pr-3">{p.counts.added_to_trakt}</td>
              <td class="py-1 pr-3">{p.counts.marked_in_plex}</td>
              <td class="py-1 pr-3">{p.counts.ratings_to_trakt + p.counts.ratings_to_plex}</td>
              <td class="py-1">{p.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
