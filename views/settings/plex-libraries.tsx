/** The movie and show libraries of the server with checkboxes (ticked = synced; all ticked for a new user). */
import { buttonClass, CsrfField, ErrorText } from '../components.js';

export interface LibraryChoice {
  key: string;
  title: string;
  type: string;
  selected: boolean;
}

export function PlexLibraries(props: { csrf: string; libraries: LibraryChoice[]; error?: string }) {
  if (!props.libraries.length) {
    return (
      <p class="mt-3 text-sm" id="plex-no-libraries">
        This server has no movie or show library yet. Add one in Plex, then fetch the libraries again.
      </p>
    );
  }
  return (
    <form id="plex-libraries-form" method="post" action="/settings/plex/libraries/save" hx-post="/settings/plex/libraries/save" hx-target="#settings-plex" hx-swap="outerHTML" class="mt-3 space-y-2">
      <CsrfField token={props.csrf} />
      <fieldset>
        <legend class="text-sm font-medium">Libraries to sync</legend>
        {props.libraries.map((l) => (
          <label class="flex items-center gap-2 py-1 text-sm">
            <input type="checkbox" name={`section:${l.key}`} value="1" checked={l.selected} data-section-key={l.key} />
            <span>{l.title}</span>
            <span class="text-xs text-slate-600 dark:text-slate-400">{l.type === 'movie' ? 'movies' : 'shows'}</span>
          </label>
        ))}
      </fieldset>
      {props.error && <ErrorText id="plex-libraries-error">{props.error}</ErrorText>}
      <button type="submit" class={buttonClass} id="plex-libraries-save">
        Save libraries
      </button>
    </form>
  );
}
