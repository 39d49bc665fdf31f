/** TMDB: the API key (v3 key or v4 read token) for posters, with Save and Test. */
import { buttonClass, Card, CsrfField, secondaryButtonClass } from '../components.js';
import { Field, Notice } from './fields.js';

export interface TmdbSectionView {
  csrf: string;
  fromEnv: boolean;
  stored: boolean;
  error?: string;
  message?: { kind: 'ok' | 'warn' | 'error'; text: string };
}

const hx = { 'hx-target': '#settings-tmdb', 'hx-swap': 'outerHTML' };

export function TmdbSection(props: { view: TmdbSectionView }) {
  const v = props.view;
  return (
    <section id="settings-tmdb" data-section="tmdb">
      <Card title="TMDB posters">
        <p class="text-sm text-slate-600 dark:text-slate-300">
          Posters come from TMDB. Create a free API key at{' '}
          <a class="underline" href="https://www.themoviedb.org/settings/api" target="_blank" rel="noopener noreferrer">
            themoviedb.org/settings/api
          </a>{' '}
          and paste either the API key (v3) or the API Read Access Token (v4). Without one, placeholders are shown.
        </p>
        <form id="tmdb-form" method="post" action="/settings/tmdb" hx-post="/settings/tmdb" {...hx} class="mt-4 space-y-3" novalidate>
          <CsrfField token={v.csrf} />
          <Field
            id="tmdb-api-key"
            name="apiKey"
            label="API key or read access token"
            type="password"
            envVar="TMDB_API_KEY"
            fromEnv={v.fromEnv}
            error={v.error}
            placeholder={v.stored ? 'stored (leave empty to keep it)' : ''}
          />
          <div class="flex gap-2">
            {!v.fromEnv && (
              <button type="submit" class={buttonClass} id="tmdb-save">
                Save
              </button>
            )}
            <button type="submit" class={secondaryButtonClass} id="tmdb-test" formaction="/settings/tmdb/test" hx-post="/settings/tmdb/test" {...hx}>
              Test
            </button>
          </div>
        </form>
        {v.message && (
          <Notice kind={v.message.kind} id="tmdb-message">
            {v.message.text}
          </Notice>
        )}
      </Card>
    </section>
  );
}
