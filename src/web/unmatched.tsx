/** The Unmatched page and its CSV export. */
import { Hono } from 'hono';
import { listUnmatched } from '../db/repos/sync-unmatched.js';
import { itemLabel, UnmatchedPage } from '../../views/pages/unmatched.js';
import type { AppEnv } from './env.js';
import { csvCell } from '../history/export.js';
import { notFoundAccountsOf } from '../db/repos/not-found-accounts.js';
import { listTraktAccounts } from '../db/repos/trakt-accounts.js';
import { peopleWithTrakt } from '../people/trakt-of.js';
import type { Db } from '../db/database.js';
import type { UnmatchedItem } from '../db/repos/sync-unmatched.js';

/**
 * In a household (more than one Trakt account), whose Trakt account each not_found was for:
 * the person's name, else the Trakt username of an account nobody has now. One account: nothing.
 */
async function whoseNotFound(db: Db, rows: UnmatchedItem[]): Promise<Map<string, string[]>> {
  const accounts = await listTraktAccounts(db, { includeDisconnected: true });
  if (accounts.filter((a) => a.status !== 'disconnected').length < 2) return new Map();
  const people = await peopleWithTrakt(db);
  const label = (id: number) => people.find((p) => p.traktAccountId === id)?.name ?? `Trakt ${accounts.find((a) => a.id === id)?.username ?? `#${id}`}`;
  const byItem = await notFoundAccountsOf(db, rows);
  return new Map([...byItem].map(([k, ids]) => [k, ids.map(label)]));
}

const PER_PAGE = 100;
const CSV_MAX = 100_000;


export function unmatchedRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/unmatched', async (c) => {
    const page = Math.max(1, Math.min(1_000_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const { rows, total } = await listUnmatched(c.var.deps.db, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    const whose = await whoseNotFound(c.var.deps.db, rows);
    return c.render(<UnmatchedPage view={{ rows, total, page, pages: Math.max(1, Math.ceil(total / PER_PAGE)), whose }} />, { title: 'Unmatched', nav: 'runs' });
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
