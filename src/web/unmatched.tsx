/** The Unmatched page and its CSV export. */
import { Hono } from 'hono';
import { listUnmatched } from '../db/repos/sync-unmatched.js';
import { itemLabel, UnmatchedPage } from '../../views/pages/unmatched.js';
import type { AppEnv } from './env.js';
import { csvCell } from '../history/export.js';

const PER_PAGE = 100;
const CSV_MAX = 100_000;


export function unmatchedRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/unmatched', async (c) => {
    const page = Math.max(1, Math.min(1_000_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const { rows, total } = await listUnmatched(c.var.deps.db, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    return c.render(<UnmatchedPage view={{ rows, total, page, pages: Math.max(1, Math.ceil(total / PER_PAGE)) }} />, { title: 'Unmatched', nav: 'runs' });
  });
  app.get('/unmatched.csv', async (c) => {
    const { rows } = await listUnmatched(c.var.deps.db, { limit: CSV_MAX, offset: 0 });
    const header = ['item', 'type', 'show', 'season', 'episode', 'year', 'plex_rating_key', 'plex_section', 'plex_guid', 'reason'];
    const lines = [header.join(',')];
    for (const r of rows) lines.push([itemLabel(r), r.type, r.show_title, r.season, r.number, r.year, r.rating_key, r.section_id, r.guid, r.reason].map(csvCell).join(','));
    return c.body(lines.join('\r\n') + '\r\n', 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="plex-trakt-sync-unmatched.csv"',
    });
  });
  return app;
}
