/** Sync runs: the list, one run's detail (live progress, log, plan, ledger), and "Run sync now". */
import { Hono } from 'hono';
import { getRun, listRuns, runLedger, runLogLines } from '../db/repos/sync-runs.js';
import { SyncBusyError } from '../sync/run.js';
import { syncCardView } from './sync-card.js';
import { RunDetailPage } from '../../views/pages/runs-detail.js';
import { parsePlan } from '../../views/runs/run-detail-parts.js';
import { RunsPage } from '../../views/pages/runs.js';
import { SyncCardBody } from '../../views/runs/sync-card.js';
import type { AppEnv } from './env.js';
import { readForm } from './form.js';
import { approveRun, discardRun, heldPlanView } from './runs-held.js';
import { undoCardFor } from './undo-routes.js';

const PER_PAGE = 50;

export function runRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/runs', async (c) => {
    const page = Math.max(1, Math.min(100_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const { rows, total } = await listRuns(c.var.deps.db, page, PER_PAGE);
    const notice = c.req.query('busy') ? new SyncBusyError().message : undefined;
    return c.render(<RunsPage view={{ rows, total, page, pages: Math.max(1, Math.ceil(total / PER_PAGE)), notice }} csrf={c.var.csrf} />, { title: 'Sync runs', nav: 'runs' });
  });

  app.get('/runs/:id{[0-9]+}', async (c) => {
    const { deps } = c.var;
    const id = Number(c.req.param('id'));
    const run = await getRun(deps.db, id);
    if (!run) return c.render(<p class="text-sm">{`There is no sync run ${id}. `}<a class="underline" href="/runs">See all runs</a>.</p>, { title: 'Sync run not found', nav: 'runs' });
    const only = c.req.query('ledger') === 'failed' ? 'failed' : undefined;
    const [log, ledger] = await Promise.all([runLogLines(deps.db, id, 0, 2000), runLedger(deps.db, id, 500, only)]);
    if (log.length) deps.runPublisher.seenUpTo(id, log[log.length - 1]!.id);
    const held = run.status === 'awaiting_approval' ? await heldPlanView(deps, run, c.var.csrf, c.req.query()) : undefined;
    const extra = await undoCardFor(deps, run, c.var.csrf);
    return c.render(<RunDetailPage view={{ run, plan: parsePlan(run.plan), log, ledger: { ...ledger, only }, held, extra }} />, { title: `Sync run ${id}`, nav: 'runs' });
  });

  // Approve / Discard on a held run's page: plain forms, answered by going back to the page.
  for (const [action, act] of [['approve', approveRun], ['discard', discardRun]] as const) {
    app.post(`/runs/:id{[0-9]+}/${action}`, async (c) => {
      const id = Number(c.req.param('id'));
      const r = await act(c.var.deps, id);
      if (!r.ok) return c.render(<p class="text-sm" role="alert">{`${r.message} `}<a class="underline" href={`/runs/${id}`}>Back to the run</a>.</p>, { title: `Sync run ${id}`, nav: 'runs' });
      return c.redirect(`/runs/${id}`, 303);
    });
  }

  app.post('/runs/start', async (c) => {
    const { deps } = c.var;
    const form = await readForm(c);
    const service = deps.sync;
    // The runs page's button is a plain form: it goes to the new run's page (or back, saying why not).
    const fromRunsPage = form.then === 'run-page';
    let message: string | undefined;
    try {
      const started = await service.start({ trigger: 'manual', dryRun: form.dryRun === '1', full: form.full === '1' });
      if (fromRunsPage) return c.redirect(`/runs/${started.runId}`, 303);
      const run = await getRun(deps.db, started.runId);
      return c.html(<SyncCardBody view={await syncCardView(deps, run)} />);
    } catch (err) {
      if (!(err instanceof SyncBusyError)) throw err;
      if (fromRunsPage) return c.redirect('/runs?busy=1', 303);
      message = err.message;
    }
    return c.html(<SyncCardBody view={await syncCardView(deps, undefined, message)} />);
  });
  return app;
}
