/** The live listener's line on the dashboard's Plex card; the page and its live updates render this. */
import type { LiveLine } from '../../src/plex-live/status.js';

export function PlexLiveLine(props: { line: LiveLine }) {
  const l = props.line;
  const tone = l.state === 'listening' ? 'text-emerald-700 dark:text-emerald-300' : l.state === 'reconnecting' ? 'text-amber-700 dark:text-amber-300' : 'text-slate-600 dark:text-slate-400';
  return (
    <p id="plex-live-status" class={`mt-1 text-sm ${tone}`} data-state={l.state}>
      {l.text}
      {l.state === 'listening' && (
        <>
          {' '}
          <time datetime={new Date(l.since).toISOString()} data-local="">
            {new Date(l.since).toISOString()}
          </time>
        </>
      )}
    </p>
  );
}
