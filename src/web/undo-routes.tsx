/**
 * "Undo this run" on a run's page and "Undo" on a webhook event: the card (what it will do,
 * first) and the form that starts the undo run, answered by going to that run's page.
 */
import { Hono } from 'hono';
import type { SyncRunRow } from '../db/tables/sync.js';
import { SyncBusyError } from '../sync/run.js';
import { previewUndo, UndoRefusedError } from '../undo/run-undo.js';
import type { UndoTarget } from '../undo/select.js';
import { UndoCard } from '../../views/runs/undo-card.js';
import type { AppDeps, AppEnv } from './env.js';

async function undoneBy(deps: AppDeps, target: UndoTarget): Promise<number[]> {
  const rows = await deps.db
    .selectFrom('sync_runs')
    .select('id')
    .where(target.kind === 'run' ? 'undo_of' : 'undo_event', '=', target.id)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The card for a run's page; nothing for a run still going, held, or an undo itself. */
export async function undoCardFor(deps: AppDeps, run: SyncRunRow, csrf: string) {
  if (run.status === 'running' || run.status === 'awaiting_approval' || run.undo_of !== null || run.undo_event !== null) return undefined;
  const target: UndoTarget = { kind: 'run', id: run.id };
  const p = await previewUndo(deps, target);
  return <UndoCard view={{ action: `/runs/${run.id}/undo`, sentence: p.sentence, canUndo: !p.refusal, csrf, undoneBy: await undoneBy(deps, target) }} />;
}

/** The card for one webhook event (the events page links to it). */
export async function undoCardForEvent(deps: AppDeps, eventId: number, csrf: string) {
  const target: UndoTarget = { kind: 'event', id: eventId };
  const p = await previewUndo(deps, target);
  return (
    <UndoCard view={{ title: `Undo webhook event ${eventId}`, action: `/events/${eventId}/undo`, sentence: p.sentence, canUndo: !p.refusal, csrf, undoneBy: await undoneBy(deps, target) }} />
  );
}

export function undoRoutes() {
  const app = new Hono<AppEnv>();
  const start = (kind: UndoTarget['kind']) => async (c: import('hono').Context<AppEnv>) => {
    const id = Number(c.req.param('id'));
    const back = kind === 'run' ? `/runs/${id}` : `/events/${id}/undo`;
    try {
      const started = await c.var.deps.sync.undo({ kind, id }, 'manual');
      return c.redirect(`/runs/${started.runId}`, 303);
    } catch (err) {
      if (!(err instanceof SyncBusyError) && !(err instanceof UndoRefusedError)) throw err;
      c.status(err instanceof SyncBusyError ? 409 : 400);
      return c.render(<p class="text-sm" role="alert">{`${err.message} `}<a class="underline" href={back}>Back</a>.</p>, { title: 'Undo', nav: kind === 'run' ? 'runs' : 'events' });
    }
  };
  app.post('/runs/:id{[0-9]+}/undo', start('run'));
  app.post('/events/:id{[0-9]+}/undo', start('event'));
  app.get('/events/:id{[0-9]+}/undo', async (c) => {
    const id = Number(c.req.param('id'));
    return c.render(<>{await undoCardForEvent(c.var.deps, id, c.var.csrf)}</>, { title: `Undo webhook event ${id}`, nav: 'events' });
  });
  return app;
}
