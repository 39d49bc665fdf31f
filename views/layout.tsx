/** The one layout every page uses: navigation, CSRF meta for htmx, assets served locally. */
import type { Child } from 'hono/jsx';
import { useRequestContext } from 'hono/jsx-renderer';
import type { AppEnv } from '../src/web/env.js';

export const NAV = [
  { href: '/', label: 'Dashboard', key: 'dashboard' },
  { href: '/runs', label: 'Sync runs', key: 'runs' },
  { href: '/events', label: 'Webhook events', key: 'events' },
  { href: '/history', label: 'Trakt history', key: 'history' },
  { href: '/settings', label: 'Settings', key: 'settings' },
  { href: '/logs', label: 'Logs', key: 'logs' },
] as const;

export function Layout(props: { title: string; nav?: string; children?: Child }) {
  const c = useRequestContext<AppEnv>();
  const loggedIn = !!c.var.session;
  const csrf = c.var.csrf ?? '';
  return (
    <html lang="en" class="h-full">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="csrf-token" content={csrf} />
        <meta name="htmx-config" content='{"includeIndicatorCSS":false,"sse":{"pauseOnBackground":false}}' />
        <title>{`${props.title} · Plex-Trakt Sync`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <script src="/static/htmx.js" defer></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body class="min-h-full bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
        <header class="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
            <a href="/" class="flex items-center gap-2 font-semibold">
              <span class="inline-block h-3 w-3 rounded-full bg-gradient-to-br from-amber-400 to-rose-500"></span>
              Plex-Trakt Sync
            </a>
            {loggedIn && (
              <button
                type="button"
                id="nav-toggle"
                class="ml-auto rounded-md border border-slate-300 px-3 py-1.5 text-sm md:hidden dark:border-slate-700"
                aria-expanded="false"
                aria-controls="main-menu"
              >
                Menu
              </button>
            )}
            {loggedIn && (
              // On a phone the menu folds behind the Menu button (public/app.js opens it); from md up it is a row.
              <div id="main-menu" class="hidden w-full flex-col gap-2 md:flex md:w-auto md:flex-1 md:flex-row md:items-center">
                <nav class="flex flex-col gap-1 text-sm md:flex-1 md:flex-row md:flex-wrap" aria-label="Main">
                  {NAV.map((n) => (
                    <a
                      href={n.href}
                      aria-current={props.nav === n.key ? 'page' : undefined}
                      class={`rounded-md px-3 py-1.5 ${props.nav === n.key ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'}`}
                    >
                      {n.label}
                    </a>
                  ))}
                </nav>
                <form method="post" action="/logout" class="flex gap-3 px-3 md:ml-auto md:px-0">
                  <input type="hidden" name="_csrf" value={csrf} />
                  <button type="submit" class="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white">
                    Sign out
                  </button>
                  <button
                    type="submit"
                    formaction="/logout/everywhere"
                    title="End every session, on every device, this one included"
                    class="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
                  >
                    Sign out everywhere
                  </button>
                </form>
              </div>
            )}
          </div>
        </header>
        <main class="mx-auto max-w-6xl px-4 py-6">{props.children}</main>
        <footer class="mx-auto max-w-6xl px-4 pb-8 text-xs text-slate-600 dark:text-slate-400">
          <p>
            Plex-Trakt Sync {c.var.deps.version}. This product uses the TMDB API but is not endorsed or certified by TMDB.
          </p>
        </footer>
      </body>
    </html>
  );
}
