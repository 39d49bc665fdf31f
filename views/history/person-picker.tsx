/**
 * Whose history the page shows: everyone in the household with a Trakt account. A plain GET
 * form (the choice lands in the URL as `?person=<plexAccountId>`, so a link keeps it); the
 * page's script submits it as soon as the choice changes, the button does without scripts.
 */
import type { PersonWithTrakt } from '../../src/people/trakt-of.js';
import { secondaryButtonClass } from '../components.js';

const KIND: Record<PersonWithTrakt['kind'], string> = { owner: 'server owner', home: 'Plex Home', friend: 'friend' };

export function PersonPicker(props: { people: PersonWithTrakt[]; current?: PersonWithTrakt }) {
  return (
    <form id="history-person" method="get" action="/history" class="mb-4 flex flex-wrap items-end gap-2 text-sm">
      <label class="min-w-0">
        <span class="block font-medium">Whose history</span>
        <select
          name="person"
          id="history-person-select"
          class="mt-1 block max-w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm dark:border-slate-700 dark:bg-slate-950"
        >
          {props.people.map((p) => (
            <option value={String(p.plexAccountId)} selected={p.plexAccountId === props.current?.plexAccountId} data-trakt={p.traktUsername}>
              {`${p.name} (${KIND[p.kind]}) · Trakt ${p.traktUsername}${p.traktStatus === 'needs_login' ? ' · sign in again' : ''}`}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class={secondaryButtonClass} id="history-person-show">
        Show
      </button>
    </form>
  );
}
