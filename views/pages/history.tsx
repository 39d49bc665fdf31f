/** The History page: status, the monthly picture, filters, and the infinite list of plays. */
import type { HistoryType } from '../../src/db/tables/history.js';
import type { MonthBucket } from '../../src/history/chart.js';
import { inputClass, PageHeader } from '../components.js';
import { PlaysChart } from '../history/chart.js';
import { PlayRows, type PlayView } from '../history/play-row.js';
import { HistoryStatus, HistoryTotal, type HistoryStatusView } from '../history/status.js';
import { PersonPicker } from '../history/person-picker.js';
import type { PersonWithTrakt } from '../../src/people/trakt-of.js';

export interface HistoryFilterView {
  type?: HistoryType;
  q?: string;
  /** The person shown (their Plex account id), carried by every link and request the list makes. */
  person?: number;
}

export interface ResultsView {
  plays: PlayView[];
  matching: number;
  filter: HistoryFilterView;
  /** Cursor of the last row, when more may follow. */
  next?: string;
}

export interface HistoryPageView {
  status: HistoryStatusView;
  total: number;
  chart: MonthBucket[];
  results: ResultsView;
  tmdbEnabled: boolean;
  /** Everyone with a Trakt account, for the picker; the person shown. */
  people: PersonWithTrakt[];
  person?: PersonWithTrakt;
  /** The person links carry (set when the request named one). */
  linkPerson?: number;
  /** The live topic of the shown account (none without one). */
  topic?: string;
}

export function filterQuery(f: HistoryFilterView): string {
  const p = new URLSearchParams();
  if (f.person !== undefined) p.set('person', String(f.person));
  if (f.type) p.set('type', f.type);
  if (f.q) p.set('q', f.q);
  return p.toString();
}

/** The end of the list: loads the next page when scrolled into view. */
export function MoreSentinel(props: { next?: string; filter: HistoryFilterView }) {
  if (!props.next) {
    return (
      <p id="history-more" class="py-6 text-center text-sm text-slate-600 dark:text-slate-400" data-end="">
        That is the whole history.
      </p>
    );
  }
  const q = filterQuery(props.filter);
  return (
    <div id="history-more" class="py-6 text-center text-sm text-slate-600 dark:text-slate-400" hx-get={`/history/page?before=${props.next}${q ? `&${q}` : ''}`} hx-trigger="revealed" hx-swap="outerHTML">
      Loading older plays…
    </div>
  );
}

export function HistoryResults(props: { view: ResultsView; total: number }) {
  const v = props.view;
  const filtered = !!(v.filter.type || v.filter.q);
  // Live rows are prepended to lists they belong in; a text search takes none.
  const live = v.filter.q ? undefined : (v.filter.type ?? 'all');
  return (
    <div id="history-results">
      <p id="history-matching" class="mb-2 text-sm text-slate-600 dark:text-slate-400" data-matching={v.matching}>
        {filtered ? `${v.matching.toLocaleString('en-US')} of ${props.total.toLocaleString('en-US')} plays match.` : `${v.matching.toLocaleString('en-US')} plays, newest first.`}
      </p>
      {v.plays.length === 0 && (
        <p class="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-600 dark:text-slate-400 dark:border-slate-700">
          {filtered ? 'No plays match these filters.' : 'No plays yet.'}
        </p>
      )}
      <ol id="history-list" class="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white px-4 dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900" data-live={live}>
        <PlayRows plays={v.plays} />
      </ol>
      <MoreSentinel next={v.next} filter={v.filter} />
    </div>
  );
}

function TypeChoice(props: { value: '' | HistoryType; label: string; current?: HistoryType }) {
  const checked = (props.current ?? '') === props.value;
  return (
    <label class="cursor-pointer">
      <input type="radio" name="type" value={props.value} checked={checked} class="peer sr-only" />
      <span class="block rounded-md px-3 py-1 text-sm text-slate-600 peer-checked:bg-slate-900 peer-checked:text-white peer-focus-visible:ring-2 dark:text-slate-300 dark:peer-checked:bg-slate-100 dark:peer-checked:text-slate-900">
        {props.label}
      </span>
    </label>
  );
}

const SUBTITLE = 'The whole watch history on Trakt, newest first, grouped by day.';

/** `?person=` named nobody with a Trakt account: the sentence, and the picker to choose someone who has one. */
export function HistoryUnknownPerson(props: { problem: string; people: PersonWithTrakt[] }) {
  return (
    <>
      <PageHeader title="Trakt history" subtitle={SUBTITLE} />
      <p id="history-person-problem" role="alert" class="mb-4 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
        {props.problem}
      </p>
      {props.people.length > 0 && <PersonPicker people={props.people} />}
    </>
  );
}

export function HistoryPage(props: { view: HistoryPageView; csrf: string }) {
  const v = props.view;
  const f = v.results.filter;
  const pq = v.linkPerson !== undefined ? `?person=${v.linkPerson}` : '';
  return (
    <>
      <PageHeader title="Trakt history" subtitle={SUBTITLE}>
        <p class="text-sm text-slate-600 dark:text-slate-400">
          <HistoryTotal total={v.total} />
          <span class="ml-3" id="history-export">
            {'Export: '}
            <a class="underline" href={`/history/export.csv${pq}`} download>CSV</a>
            {' · '}
            <a class="underline" href={`/history/export.json${pq}`} download>JSON</a>
          </span>
        </p>
      </PageHeader>
      {/* One person: no choice to make, unless the one shown is not you (then the picker says whose it is). */}
      {(v.people.length > 1 || (v.person && v.person.kind !== 'owner')) && <PersonPicker people={v.people} current={v.person} />}
      <HistoryStatus view={v.status} csrf={props.csrf} />
      {!v.tmdbEnabled && (
        <p id="history-tmdb-hint" class="mb-4 text-sm text-slate-600 dark:text-slate-400">
          Posters come from TMDB: add a TMDB API key in <a class="underline" href="/settings#settings-tmdb">Settings</a> to see them.
        </p>
      )}
      <div class="mb-6">
        <PlaysChart buckets={v.chart} />
      </div>
      <form
        id="history-filters"
        method="get"
        action="/history"
        class="mb-4 flex flex-wrap items-center gap-3"
        role="search"
        hx-get="/history"
        hx-target="#history-results"
        hx-swap="outerHTML"
        hx-trigger="submit, change, input changed delay:300ms"
        hx-replace-url="true"
      >
        {v.linkPerson !== undefined && <input type="hidden" name="person" value={String(v.linkPerson)} />}
        <fieldset class="flex gap-1 rounded-lg border border-slate-200 p-1 dark:border-slate-800">
          <legend class="sr-only">Show</legend>
          <TypeChoice value="" label="All" current={f.type} />
          <TypeChoice value="movie" label="Movies" current={f.type} />
          <TypeChoice value="episode" label="Episodes" current={f.type} />
        </fieldset>
        <label class="min-w-64 flex-1">
          <span class="sr-only">Search titles</span>
          <input type="search" name="q" value={f.q ?? ''} placeholder="Search titles" class={`${inputClass} mt-0`} autocomplete="off" maxlength={200} />
        </label>
      </form>
      <HistoryResults view={v.results} total={v.total} />
      {v.topic && <div hx-sse:connect={`/live?topics=${v.topic}`} hx-swap="none" class="hidden"></div>}
      <script src="/history/client.js" defer></script>
    </>
  );
}
