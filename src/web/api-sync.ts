/** POST /api/v1/sync (start a run: 202 or 409) and GET /api/v1/runs/:id; the sync's part of the status. */
import { Hono } from 'hono';
import { getRun, lastRuns } from '../db/repos/sync-runs.js';
import { SyncBusyError, UnknownPersonError } from '../sync/run.js';
import { runJson } from '../sync/run-json.js';
import { SYNC_JOB } from '../sync/service.js';
import type { AppEnv } from './env.js';
import { statusParts } from './status.js';
import { approveRun, discardRun } from './runs-held.js';
import { UndoRefusedError } from '../undo/run-undo.js';

export { runJson };

const flag = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

export function syncApi() {
  const api = new Hono<AppEnv>();
  api.post('/sync', async (c) => {
    const q = c.req.query();
    let body: Record<string, unknown> = {};
    if ((c.req.header('content-type') ?? '').includes('json')) {
      try {
        body = ((await c.req.json()) ?? {}) as Record<string, unknown>;
      } catch {
        return c.json({ error: 'bad_request', message: 'The body is not JSON. Send {"dryRun": true} or no body.' }, 400);
      }
    }
    const trigger = q.trigger === 'cli' || body.trigger === 'cli' ? 'cli' : 'api';
    const rawPerson = body.person ?? q.person;
    if (rawPerson !== undefined && rawPerson !== null && typeof rawPerson !== 'string' && typeof rawPerson !== 'number') {
      return c.json({ error: 'bad_request', message: '"person" names one person of the household by Plex account name or id, e.g. {"person": "kid"}.' }, 400);
    }
    const person = rawPerson === undefined || rawPerson === null ? undefined : String(rawPerson);
    try {
      const started = await c.var.deps.sync.start({ trigger, dryRun: flag(body.dryRun ?? q.dryRun), full: flag(body.full ?? q.full), approve: flag(body.approve ?? q.approve), person });
      return c.json({ runId: started.runId }, 202);
    } catch (err) {
      if (err instanceof SyncBusyError) return c.json({ error: 'conflict', message: err.message }, 409);
      if (err instanceof UnknownPersonError) return c.json({ error: 'bad_request', message: err.message }, 400);
      throw err;
    }
  });
  api.post('/runs/:id{[0-9]+}/approve', async (c) => {
    const r = await approveRun(c.var.deps, Number(c.req.param('id')));
    return r.ok ? c.json({ runId: r.runId }, 202) : c.json({ error: 'conflict', message: r.message }, r.status);
  });
  api.post('/runs/:id{[0-9]+}/discard', async (c) => {
    const id = Number(c.req.param('id'));
    const r = await discardRun(c.var.deps, id);
    if (!r.ok) return c.json({ error: 'conflict', message: r.message }, r.status);
    return c.json(runJson((await getRun(c.var.deps.db, id))!));
  });
  api.post('/runs/:id{[0-9]+}/undo', async (c) => {
    const trigger = c.req.query('trigger') === 'cli' ? 'cli' : 'api';
    try {
      const started = await c.var.deps.sync.undo({ kind: 'run', id: Number(c.req.param('id')) }, trigger);
      return c.json({ runId: started.runId }, 202);
    } catch (err) {
      if (err instanceof SyncBusyError) return c.json({ error: 'conflict', message: err.message }, 409);
      if (err instanceof UndoRefusedError) return c.json({ error: 'bad_request', message: err.message }, 400);
      throw err;
    }
  });
  api.get('/runs/:id{[0-9]+}', async (c) => {
    const run = await getRun(c.var.deps.db, Number(c.req.param('id')));
    if (!run) return c.json({ error: 'not_found', message: `There is no sync run ${c.req.param('id')}.` }, 404);
    return c.json(runJson(run));
  });
  return api;
}

statusParts.push(async (deps) => {
  const runs = await lastRuns(deps.db, 5);
  const info = await deps.jobs.get(SYNC_JOB);
  return {
    sync: {
      running: info?.running ?? false,
      schedule: info?.describe ?? null,
      nextRun: info?.nextRun ? new Date(info.nextRun).toISOString() : null,
      lastRuns: runs.map(runJson),
    },
  };
});
