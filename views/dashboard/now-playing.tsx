/** The dashboard's "Now playing": each session on the Plex server with poster, who, where and how far. */
import type { NowPlaying } from '../../src/now-playing/sessions.js';
import type { PosterState } from '../../src/tmdb/posters.js';
import { Card } from '../components.js';
import { Poster } from '../history/poster.js';

export interface NowPlayingView {
  kind: 'ok' | 'no_server' | 'error' | 'unknown';
  items: Array<NowPlaying & { poster: PosterState }>;
  message?: string;
}

const STATE_TEXT: Record<string, string> = { playing: 'Playing', paused: 'Paused', buffering: 'Buffering' };

function Session(props: { item: NowPlaying & { poster: PosterState } }) {
  const s = props.item;
  const where = s.local === null ? s.player : `${s.player} (${s.local ? 'at home' : 'away'})`;
  return (
    <li class="now-playing flex gap-3 py-2" data-session={s.sessionKey} data-rating-key={s.ratingKey} data-state={s.state}>
      <Poster state={s.poster} title={s.title} />
      <div class="min-w-0 flex-1">
        <p class="truncate font-medium">
          {s.title}
          {s.detail && <span class="ml-1 font-normal text-slate-600 dark:text-slate-300">{s.type === 'movie' ? `(${s.detail})` : s.detail}</span>}
        </p>
        <p class="truncate text-sm text-slate-600 dark:text-slate-300">
          <span class="now-playing-who font-medium">{s.user}</span>
          {' on '}
          <span class="now-playing-where">{where}</span>
        </p>
        <div class="mt-1 flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
          <span class={`rounded px-1.5 py-0.5 font-medium ${s.state === 'playing' ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-100' : 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-100'}`}>
            {STATE_TEXT[s.state] ?? s.state}
          </span>
          {s.progress !== null && (
            <>
              <div
                class="h-1.5 flex-1 rounded bg-slate-200 dark:bg-slate-700"
                role="progressbar"
                aria-valuenow={String(s.progress)}
                aria-valuemin="0"
                aria-valuemax="100"
                aria-label={`Progress of ${s.title}`}
              >
                <div class="h-1.5 rounded bg-amber-500" style={`width: ${s.progress}%`}></div>
              </div>
              <span class="now-playing-progress tabular-nums">{`${s.progress} %`}</span>
            </>
          )}
        </div>
      </div>
    </li>
  );
}

export function NowPlayingBody(props: { view: NowPlayingView }) {
  const v = props.view;
  if (v.kind === 'no_server') {
    return (
      <p class="text-sm text-slate-600 dark:text-slate-300">
        No Plex server is connected: sign in with Plex and pick your server in <a class="underline" href="/settings">Settings</a>.
      </p>
    );
  }
  return (
    <>
      {v.kind === 'error' && (
        <p class="mb-2 text-sm text-amber-800 dark:text-amber-200" role="status" id="now-playing-problem">
          {'The Plex server did not answer when asked what is playing (see Settings → Plex for the connection); this card asks again while it is open.'}
        </p>
      )}
      {v.items.length ? (
        <ul class="divide-y divide-slate-100 dark:divide-slate-800">
          {v.items.map((item) => (
            <Session item={item} />
          ))}
        </ul>
      ) : v.kind === 'unknown' ? (
        <p class="text-sm text-slate-600 dark:text-slate-300">Asking the Plex server…</p>
      ) : v.kind === 'ok' ? (
        <p class="text-sm text-slate-600 dark:text-slate-300" id="now-playing-empty">
          Nothing is playing on the Plex server right now. Start something and it appears here.
        </p>
      ) : null}
    </>
  );
}

export function NowPlayingCard(props: { view: NowPlayingView }) {
  return (
    <Card title="Now playing" id="card-now-playing">
      <div id="now-playing-body" aria-live="polite">
        <NowPlayingBody view={props.view} />
      </div>
    </Card>
  );
}
