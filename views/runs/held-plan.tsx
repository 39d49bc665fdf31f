/** A run the guard held: why, Approve / Discard, and its whole plan, one list at a time, paged. */
import type { PlanItem } from '../../src/sync/plan.js';
import { buttonClass, Card, CsrfField, secondaryButtonClass } from '../components.js';
import { Time } from './run-parts.js';

export interface HeldPlanView {
  runId: number;
  csrf: string;
  reasons: string[];
  /** Items per list (the held plan's counts). */
  counts: Record<string, number>;
  list: string;
  page: number;
  pages: number;
  /** `who`: whose plan the item is in, when the held run holds several people's. */
  items: Array<PlanItem & { who?: string }>;
}

export const HELD_LIST_LABELS: Record<string, string> = {
  fromTrakt: 'Remove from Trakt history',
  unwatchInPlex: 'Mark unwatched in Plex',
  toTrakt: 'Add plays to Trakt',
  toPlex: 'Mark watched in Plex',
  ratingsToTrakt: 'Ratings to Trakt',
  ratingsToPlex: 'Ratings to Plex',
};

export function HeldPlan(props: { view: HeldPlanView }) {
  const v = props.view;
  const href = (list: string, page = 1) => `/runs/${v.runId}?list=${list}&page=${page}#held-plan`;
  return (
    <Card title="Waiting for your approval" id="held-plan">
      <ul class="list-disc pl-6 text-sm" id="guard-reasons">
        {v.reasons.map((r) => (
          <li>{r}</li>
        ))}
      </ul>
      <div class="mt-3 flex flex-wrap gap-2">
        <form method="post" action={`/runs/${v.runId}/approve`}>
          <CsrfField token={v.csrf} />
          <button class={buttonClass} id="approve-run" type="submit">Approve: write this plan</button>
        </form>
        <form method="post" action={`/runs/${v.runId}/discard`}>
          <CsrfField token={v.csrf} />
          <button class={secondaryButtonClass} id="discard-run" type="submit">Discard: write nothing</button>
        </form>
      </div>
      <nav class="mt-4 flex flex-wrap gap-3 text-sm" aria-label="Plan lists">
        {Object.entries(HELD_LIST_LABELS).map(([list, label]) => (
          <a class={`underline ${list === v.list ? 'font-semibold' : ''}`} href={href(list)} aria-current={list === v.list ? 'page' : undefined}>
            {`${label} (${v.counts[list] ?? 0})`}
          </a>
        ))}
      </nav>
      {v.items.length === 0 ? (
        <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">Nothing in this list.</p>
      ) : (
        <ul class="mt-2 list-disc pl-6 text-sm" id="held-items">
          {v.items.map((i) => (
            <li>
              {i.who ? <span class="font-medium">{`${i.who}: `}</span> : ''}
              {i.title}
              {i.watchedAt ? <span class="text-slate-600 dark:text-slate-400">{' · watched '}<Time ms={i.watchedAt} /></span> : ''}
              {i.rating !== undefined ? <span class="text-slate-600 dark:text-slate-400">{` · rating ${i.rating}`}</span> : ''}
            </li>
          ))}
        </ul>
      )}
      {v.pages > 1 && (
        <p class="mt-2 flex gap-3 text-sm">
          {v.page > 1 && <a class="underline" href={href(v.list, v.page - 1)}>Previous</a>}
          <span>{`Page ${v.page} of ${v.pages}`}</span>
          {v.page < v.pages && <a class="underline" href={href(v.list, v.page + 1)}>Next</a>}
        </p>
      )}
    </Card>
  );
}
