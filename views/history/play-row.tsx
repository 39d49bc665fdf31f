/** One play in the History list: the page, the next pages, search results and live rows all use this. */
import type { HistoryRow } from '../../src/db/tables/history.js';
import { cursorOf, episodeCode } from '../../src/history/map.js';
import type { Provenance } from '../../src/history/provenance.js';
import type { PosterState } from '../../src/tmdb/posters.js';
import { Poster } from './poster.js';

export interface PlayView {
  row: HistoryRow;
  poster: PosterState;
  via?: Provenance;
}

function Via(props: { via?: Provenance; action: string }) {
  const v = props.via;
  const cls = 'rounded bg-slate-100 px-1.5 py-0.5 dark:bg-slate-800';
  if (v?.source === 'webhook') return <span class={`play-via ${cls}`} data-via="webhook">scrobbled from Plex</span>;
  if (v?.source === 'sync')
    return (
      <a class={`play-via ${cls} hover:underline`} data-via="sync" href={v.sourceId !== null ? `/runs/${v.sourceId}` : '/runs'}>
        {v.sourceId !== null ? `sync run #${v.sourceId}` : 'sync run'}
      </a>
    );
  return <span class="play-via" data-via="trakt">{props.action === 'scrobble' ? 'scrobbled' : props.action === 'checkin' ? 'checked in' : 'added on Trakt'}</span>;
}

export function PlayRow(props: { play: PlayView }) {
  const { row, poster, via } = props.play;
  const iso = new Date(row.watched_at).toISOString();
  return (
    <li class="play flex items-center gap-3 py-2" id={`play-${row.history_id}`} data-at={iso} data-cursor={cursorOf(row)} data-type={row.type}>
      <Poster state={poster} title={row.title} />
      <div class="min-w-0 flex-1">
        {row.type === 'movie' ? (
          <p class="play-title truncate font-medium">
            {row.title}
            {row.year !== null && <span class="ml-1 font-normal text-slate-600 dark:text-slate-400">{`(${row.year})`}</span>}
          </p>
        ) : (
          <>
            <p class="play-title truncate font-medium">
              {row.title}
              {row.year !== null && <span class="ml-1 font-normal text-slate-600 dark:text-slate-400">{`(${row.year})`}</span>}
            </p>
            <p class="play-episode truncate text-sm text-slate-600 dark:text-slate-300">
              <span class="font-mono">{episodeCode(row.season, row.number)}</span>
              {row.episode_title && ` · ${row.episode_title}`}
            </p>
          </>
        )}
        <p class="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
          <time datetime={iso} data-local="time">
            {iso.slice(11, 16)}
          </time>
          <Via via={via} action={row.action} />
        </p>
      </div>
    </li>
  );
}

export function PlayRows(props: { plays: PlayView[] }) {
  return (
    <>
      {props.plays.map((p) => (
        <PlayRow play={p} />
      ))}
    </>
  );
}
