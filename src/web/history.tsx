/** The History page and its fragments: filters, the next page, one poster, full refresh, its script. */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { HistoryType } from '../db/tables/history.js';
import { parseCursor } from '../history/map.js';
import { chartView, historyAccount, historyPick, historyTopic, resultsView, statusView, tmdbEnabled } from './history-read.js';
import { countPlays, type PlayFilter } from '../db/repos/history-plays.js';
import { PlayRows } from '../../views/history/play-row.js';
import { Poster } from '../../views/history/poster.js';
import { HistoryStatus } from '../../views/history/status.js';
import { HISTORY_CLIENT_JS } from '../../views/history/client-script.js';
import { HistoryPage, HistoryResults, HistoryUnknownPerson, MoreSentinel } from '../../views/pages/history.js';
import type { HistoryPick } from './history-read.js';
import { readForm } from './form.js';
import type { AppEnv } from './env.js';
import { statusParts } from './status.js';
import { historyExport } from '../history/export.js';

/** The filters, and the person they apply to (kept in every link the list makes). */
function parseFilter(c: Context<AppEnv>, pick: HistoryPick): PlayFilter & { person?: number } {
  const type = c.req.query('type');
  const q = (c.req.query('q') ?? '').trim().slice(0, 200);
  return { type: type === 'movie' || type === 'episode' ? (type as HistoryType) : undefined, q: q || undefined, person: pick.linkPerson };
}

export function historyRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/history', async (c) => {
    const { deps } = c.var;
    const pick = await historyPick(deps, c.req.query('person'));
    const { account, person } = pick;
    const filter = parseFilter(c, pick);
    const total = account ? countPlays(deps.sqlite, account.id) : 0;
    const fragment = c.req.header('hx-request') && (c.req.header('hx-target') ?? '').includes('history-results');
    if (pick.problem) {
      if (fragment) return c.text(pick.problem, 404);
      c.status(404);
      return c.render(<HistoryUnknownPerson problem={pick.problem} people={pick.people} />, { title: 'Trakt history', nav: 'history' });
    }
    // The filter form asks for the results only.
    if (fragment) return c.html(<HistoryResults view={await resultsView(deps, account?.id, filter)} total={total} />);
    const enabled = await tmdbEnabled(deps);
    const view = {
      status: await statusView(deps, account, person, pick.linkPerson),
      total,
      chart: chartView(deps, account?.id),
      results: await resultsView(deps, account?.id, filter, undefined, enabled),
      tmdbEnabled: enabled,
      people: pick.people,
      person,
      linkPerson: pick.linkPerson,
      topic: account ? historyTopic(account.id) : undefined,
    };
    return c.render(<HistoryPage view={view} csrf={c.var.csrf} />, { title: 'Trakt history', nav: 'history' });
  });

  app.get('/history/page', async (c) => {
    const before = parseCursor(c.req.query('before'));
    if (!before) return c.text('Which plays? "before" must be a cursor from the list; reload the page.', 400);
    const { deps } = c.var;
    const pick = await historyPick(deps, c.req.query('person'));
    if (pick.problem) return c.text(pick.problem, 404);
    const { account } = pick;
    const filter = parseFilter(c, pick);
    const v = await resultsView(deps, account?.id, filter, before);
    return c.html(
      <>
        <MoreSentinel next={v.next} filter={filter} />
        <hx-partial hx-target="#history-list" hx-swap="beforeend">
          <PlayRows plays={v.plays} />
        </hx-partial>
      </>,
    );
  });

  app.get('/history/poster/:media{movie|tv}/:id{[0-9]{1,10}}', async (c) => {
    const media = c.req.param('media') as 'movie' | 'tv';
    const title = (c.req.query('title') ?? '').slice(0, 200);
    const url = await c.var.deps.posters.poster({ media, tmdbId: Number(c.req.param('id')) });
    return c.html(<Poster state={url ? { kind: 'img', url } : { kind: 'none' }} title={title} />);
  });

  app.post('/history/refresh', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const pick = await historyPick(deps, form.person);
    if (pick.problem) return c.text(pick.problem, 404);
    const { account, person } = pick;
    if (account) {
      deps.history.request(account.id, 'full', 0);
      deps.log.info({ component: 'history', accountId: account.id, plexAccountId: person?.plexAccountId }, 'full history refresh requested');
    }
    if (!c.req.header('hx-request')) return c.redirect(person ? `/history?person=${person.plexAccountId}` : '/history', 303);
    const status = await statusView(deps, account, person, pick.linkPerson);
    // Shown as started at once; the live stream carries its progress.
    if (account && !status.running) status.running = { kind: 'full', pagesDone: 0, itemsDone: 0 };
    return c.html(<HistoryStatus view={status} csrf={c.var.csrf} />);
  });

  // The whole mirror for the user's records, streamed page by page (see src/history/export.ts).
  const exportAs = (format: 'csv' | 'json') => async (c: Context<AppEnv>) => {
    const { deps } = c.var;
    const pick = await historyPick(deps, c.req.query('person'));
    if (pick.problem) return c.text(pick.problem, 404);
    const { account } = pick;
    if (!account) return c.text('Connect Trakt in Settings first: there is no history to export yet.', 404);
    const chunks = historyExport(deps.sqlite, account.id, format);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      cancel() {
        chunks.return(undefined);
      },
    });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="trakt-history-${account.username.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.${format}"`,
        'cache-control': 'no-store',
      },
    });
  };
  app.get('/history/export.csv', exportAs('csv'));
  app.get('/history/export.json', exportAs('json'));

  app.get('/history/client.js', (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8');
    c.header('cache-control', 'no-cache');
    return c.body(HISTORY_CLIENT_JS);
  });
  return app;
}

// `/api/v1/status` and `plex-trakt-sync status`: the mirror of the account the page shows.
statusParts.push(async (deps) => {
  const account = await historyAccount(deps);
  if (!account) return { history: null };
  const s = await statusView(deps, account);
  return {
    history: {
      plays: s.total,
      phase: s.phase,
      refreshing: s.running?.kind ?? null,
      lastCheckedAt: s.lastCheckedAt ? new Date(s.lastCheckedAt).toISOString() : null,
      lastError: s.lastError,
    },
  };
});
