/** Live sessions (the Plex server's own notifications, no Plex Pass needed): the listener's state and the watched threshold. */
import type { LiveLine } from '../../src/plex-live/status.js';
import { buttonClass, Card, CsrfField, ErrorText, inputClass } from '../components.js';
import { PlexLiveLine } from '../live/plex-live-line.js';
import { Notice } from './fields.js';

export interface LiveSectionView {
  csrf: string;
  /** PLEX_LIVE */
  on: boolean;
  line: LiveLine;
  threshold: number;
  error?: string;
  message?: string;
}

export function LiveSection(props: { view: LiveSectionView }) {
  const v = props.view;
  return (
    <section id="settings-live" data-section="live">
      <Card title="Live sessions (no Plex Pass needed)">
        <p class="text-sm text-slate-600 dark:text-slate-300">
          The Plex server tells any client with its token what is playing. The service listens, so plays reach Trakt within seconds
          without Plex Pass; with Plex Pass webhooks too, the same play seen twice is still one play.{' '}
          {v.on ? 'Turn it off with PLEX_LIVE=off.' : 'It is off because PLEX_LIVE=off.'}
        </p>
        <PlexLiveLine line={v.line} />
        <form id="live-form" method="post" action="/settings/live" hx-post="/settings/live" hx-target="#settings-live" hx-swap="outerHTML" class="mt-4 space-y-2" novalidate>
          <CsrfField token={v.csrf} />
          <label for="live-threshold" class="block text-sm font-medium">
            Watched threshold (%)
          </label>
          <input
            id="live-threshold"
            name="threshold"
            type="number"
            min="80"
            max="100"
            step="1"
            value={String(v.threshold)}
            class={`${inputClass} max-w-[8rem]`}
            aria-invalid={v.error ? 'true' : undefined}
            aria-describedby={v.error ? 'live-threshold-error' : 'live-threshold-hint'}
          />
          <p id="live-threshold-hint" class="text-xs text-slate-600 dark:text-slate-400">
            A play stopped at or past this point is a play on Trakt; before it, its progress is saved. Plex's own default is 90.
          </p>
          {v.error && <ErrorText id="live-threshold-error">{v.error}</ErrorText>}
          <button type="submit" class={buttonClass} id="live-save">
            Save
          </button>
        </form>
        {v.message && (
          <Notice kind="ok" id="live-message">
            {v.message}
          </Notice>
        )}
      </Card>
    </section>
  );
}
