/** Logs page routes, and the live tail: the log store's batches are published on the bus topic `logs`. */
import { Hono } from 'hono';
import { listLogs, logComponents } from '../db/repos/logs.js';
import type { LogStore } from '../log/store.js';
import type { LiveBus } from '../live/bus.js';
import { LogRows } from '../../views/logs/log-rows.js';
import { LogsPage, OlderButton } from '../../views/pages/logs.js';
import type { AppEnv } from './env.js';

export const LOG_RETENTION_DAYS = 14;

function filters(c: { req: { query(k: string): string | undefined } }) {
  const level = Number(c.req.query('level') ?? 30);
  const minLevel = [10, 20, 30, 40, 50, 60].includes(level) ? level : 30;
  const component = (c.req.query('component') ?? '').slice(0, 60);
  const query = new URLSearchParams({ level: String(minLevel), ...(component ? { component } : {}) }).toString();
  return { minLevel, component, query };
}

const PAGE = 200;

/** Lines as listLogs gives them (oldest first, one more than a page) → newest first, and whether older ones exist. */
function newestFirst<T>(found: T[]): { rows: T[]; hasOlder: boolean } {
  const hasOlder = found.length > PAGE;
  return { rows: (hasOlder ? found.slice(1) : found).reverse(), hasOlder };
}

export function logRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/logs', async (c) => {
    const { db } = c.var.deps;
    const f = filters(c);
    const [found, components] = await Promise.all([
      listLogs(db, { minLevel: f.minLevel, component: f.component || undefined, limit: PAGE + 1 }),
      logComponents(db),
    ]);
    const { rows, hasOlder } = newestFirst(found);
    const view = { rows, hasOlder, components, minLevel: f.minLevel, component: f.component, retentionDays: LOG_RETENTION_DAYS };
    return c.render(<LogsPage view={view} query={f.query} />, { title: 'Logs', nav: 'logs' });
  });
  app.get('/logs/older', async (c) => {
    const f = filters(c);
    const before = Number(c.req.query('before'));
    if (!Number.isInteger(before) || before < 1) return c.text('Which lines? "before" must be a line id.', 400);
    const { rows, hasOlder } = newestFirst(await listLogs(c.var.deps.db, { minLevel: f.minLevel, component: f.component || undefined, beforeId: before, limit: PAGE + 1 }));
    // Newest first: older lines go below the table; the button moves below them (or goes once nothing is older).
    return c.html(
      <>
        {hasOlder && rows.length ? <OlderButton beforeId={rows[rows.length - 1]!.id} query={f.query} /> : <div id="logs-older"></div>}
        <hx-partial hx-target="#log-rows" hx-swap="beforeend">
          <LogRows rows={rows} />
        </hx-partial>
      </>,
    );
  });
  return app;
}

/** Publishes each written batch of log lines to pages that are tailing the log. */
export function attachLiveTail(store: LogStore, bus: LiveBus): void {
  store.onRows = (rows) => {
    if (!bus.hasSubscribers('logs')) return;
    const html = (
      <hx-partial hx-target="#log-rows" hx-swap="afterbegin">
        <LogRows rows={[...rows].reverse()} />
      </hx-partial>
    ).toString();
    bus.publish('logs', html);
  };
}
