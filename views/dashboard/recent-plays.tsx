/** The dashboard's "Landed on Trakt": the last plays webhooks put on Trakt, and how long after Plex said so. */
import type { PosterState } from '../../src/tmdb/posters.js';
import { Card } from '../components.js';
import { Poster } from '../history/poster.js';

export interface RecentPlayView {
  eventId: number;
  title: string;
  receivedAt: number;
  /** Milliseconds from the webhook to Trakt's answer. */
  latencyMs: number;
  account: string | null;
  player: string | null;
  /** In a household: the person whose Trakt account it landed on. */
  to?: { name: string; traktUsername: string };
  words: string | null;
  poster: PosterState;
}

/** 40 ms, 0.8 s, 12 s, 3 min, 2 h: how long a play took to reach Trakt. */
export function latencyText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export function RecentPlaysBody(props: { plays: RecentPlayView[] }) {
  if (!props.plays.length) {
    return (
      <p class="text-sm text-slate-600 dark:text-slate-300">
        No play has reached Trakt from a webhook yet. Watch something to the end in Plex (with the webhook URL added there) and it shows up here.
      </p>
    );
  }
  return (
    <ul class="divide-y divide-slate-100 dark:divide-slate-800">
      {props.plays.map((p) => {
        const iso = new Date(p.receivedAt).toISOString();
        return (
          <li class="recent-play flex items-center gap-3 py-2" data-event={p.eventId}>
            <Poster state={p.poster} title={p.title} />
            <div class="min-w-0 flex-1">
              <p class="truncate font-medium">
                <a class="hover:underline" href={`/events?open=${p.eventId}#event-${p.eventId}`} title="The event's timeline">
                  {p.title}
                </a>
              </p>
              <p class="text-sm text-slate-600 dark:text-slate-300">
                <span class="recent-play-latency font-medium text-emerald-700 dark:text-emerald-300">{`on Trakt ${latencyText(p.latencyMs)} later`}</span>
                {p.words && <span class="recent-play-words">{` · ${p.words}`}</span>}
              </p>
              <p class="truncate text-xs text-slate-600 dark:text-slate-400">
                <time datetime={iso} data-local="">
                  {iso}
                </time>
                {p.account && ` · ${p.account}`}
                {p.player && ` on ${p.player}`}
                {p.to && <span class="recent-play-to">{` · to ${p.to.name}'s Trakt (${p.to.traktUsername})`}</span>}
              </p>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function RecentPlaysCard(props: { plays: RecentPlayView[] }) {
  return (
    <Card title="Landed on Trakt" id="card-recent-plays">
      <div id="recent-plays-body">
        <RecentPlaysBody plays={props.plays} />
      </div>
    </Card>
  );
}
