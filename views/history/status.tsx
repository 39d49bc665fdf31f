/** The mirror's state above the list: first fill progress, a running refresh, the last check, errors. */
import type { MirrorProgress } from '../../src/history/mirror.js';
import { CsrfField, secondaryButtonClass } from '../components.js';

export interface HistoryStatusView {
  account?: { id: number; username: string };
  /** Whose history this is (the refresh form names them; a refused sign-in says so). */
  person?: { plexAccountId: number; name: string; kind: 'owner' | 'home' | 'friend'; traktStatus: 'connected' | 'needs_login' | 'disconnected' };
  /** The person the refresh form names (set when the page was asked for one). */
  linkPerson?: number;
  phase: 'empty' | 'filling' | 'ready';
  running?: MirrorProgress;
  fill?: { pagesDone: number; pageCount: number | null; itemsDone: number; itemCount: number | null };
  lastCheckedAt: number | null;
  lastError: string | null;
  total: number;
}

const n = (v: number) => v.toLocaleString('en-US');

function Progress(props: { done: number; of: number | null | undefined }) {
  const pct = props.of ? Math.min(100, Math.round((props.done / props.of) * 100)) : 0;
  return (
    <div class="mt-2 h-1.5 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      <div class="h-full bg-sky-500" style={`width:${pct}%`}></div>
    </div>
  );
}

export function HistoryStatus(props: { view: HistoryStatusView; csrf: string }) {
  const v = props.view;
  const box = 'mb-4 rounded-xl border px-4 py-3 text-sm';
  if (!v.account) {
    return (
      <div id="history-status" class={`${box} border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900`} data-phase="no-account">
        Connect Trakt in <a class="underline" href="/settings">Settings</a>: your Trakt history is then copied here in the background and kept current after every sync and scrobble.
      </div>
    );
  }
  const r = v.running;
  const filling = v.phase !== 'ready';
  // The owner's page says "your"; a household member's names them.
  const whose = v.person && v.person.kind !== 'owner' ? `${v.person.name}'s` : 'your';
  let line: string;
  let bar: { done: number; of: number | null | undefined } | undefined;
  if (r && (r.kind === 'fill' || r.kind === 'full')) {
    const what = r.kind === 'fill' ? `Copying ${whose} Trakt history` : 'Full refresh from Trakt';
    line = `${what}: ${n(r.itemsDone)}${r.itemCount !== undefined ? ` of ${n(r.itemCount)}` : ''} plays (page ${r.pagesDone}${r.pageCount !== undefined ? ` of ${r.pageCount}` : ''}).`;
    bar = r.itemCount !== undefined ? { done: r.itemsDone, of: r.itemCount } : { done: r.pagesDone, of: r.pageCount };
  } else if (r) {
    line = 'Checking Trakt for new plays…';
  } else if (v.person?.traktStatus === 'needs_login') {
    line = `Trakt stopped accepting ${v.person.name}'s sign-in, so this history is not kept current: connect their Trakt account again in Settings → People. What is here is kept.`;
  } else if (filling) {
    const f = v.fill;
    line = f && f.itemsDone > 0 ? `Copying ${whose} Trakt history: ${n(f.itemsDone)}${f.itemCount !== null ? ` of ${n(f.itemCount)}` : ''} plays so far; it continues in the background.` : `${whose === 'your' ? 'Your' : whose} Trakt history is copied here in the background; the first plays appear in a moment.`;
    if (f && f.itemCount) bar = { done: f.itemsDone, of: f.itemCount };
  } else {
    line = 'In step with Trakt.';
  }
  const checked = v.lastCheckedAt ? new Date(v.lastCheckedAt).toISOString() : undefined;
  return (
    <div id="history-status" class={`${box} ${v.lastError ? 'border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950' : 'border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900'}`} data-phase={v.phase} data-running={r ? r.kind : undefined}>
      <div class="flex flex-wrap items-center justify-between gap-3">
        <p>
          <span class="history-status-line">{line}</span>
          {checked && !r && (
            <span class="ml-1 text-slate-600 dark:text-slate-400">
              {'Last checked '}
              <time datetime={checked} data-local="">
                {checked}
              </time>
              .
            </span>
          )}
        </p>
        <form method="post" action="/history/refresh" hx-post="/history/refresh" hx-target="#history-status" hx-swap="outerHTML">
          <CsrfField token={props.csrf} />
          {v.linkPerson !== undefined && <input type="hidden" name="person" value={String(v.linkPerson)} />}
          <button type="submit" id="history-full-refresh" class={secondaryButtonClass} disabled={!!r || (!!v.person && v.person.traktStatus !== 'connected')} title="Reads your whole Trakt history again; also picks up plays removed on Trakt.">
            Full refresh
          </button>
        </form>
      </div>
      {bar && <Progress done={bar.done} of={bar.of} />}
      {v.lastError && (
        <p class="history-error mt-2 text-amber-800 dark:text-amber-200" role="alert">
          {`The last refresh failed: ${v.lastError} What is here is kept; it is tried again automatically.`}
        </p>
      )}
    </div>
  );
}

export function HistoryTotal(props: { total: number }) {
  return (
    <span id="history-total" data-total={props.total}>
      {`${n(props.total)} ${props.total === 1 ? 'play' : 'plays'}`}
    </span>
  );
}
