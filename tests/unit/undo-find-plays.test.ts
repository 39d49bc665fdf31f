/**
 * Finding a run's plays in Trakt's history (src/undo/trakt-plays.ts): by item and time, in
 * ranges (not one GET per play); of two plays of the same item at the same instant the
 * newer (higher history id) is the run's, so a play that was there before is never taken;
 * a pinned row takes only its pinned play; a row whose play is gone finds nothing.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../../src/db/tables/ledger.js';
import { findRunPlays } from '../../src/undo/trakt-plays.js';

const at = (s: string) => Date.parse(s);

function row(id: number, imdb: string, when: string): LedgerRow {
  return {
    id, target: 'trakt', account_id: 1, action: 'history.add', media_type: 'movie', item_key: `movie:imdb:${imdb}`, plex_key: null, title: imdb,
    watched_at: at(when), rating: null, progress: null, source: 'sync', source_id: 1, batch_id: null, status: 'sent', outcome: 'added',
    request: JSON.stringify({ movies: [{ ids: { imdb }, watched_at: when }] }), error: null, trakt_history_id: null, previous_rating: null, undoes: null,
    created_at: 0, updated_at: 0,
  };
}

const play = (id: number, imdb: string, when: string) => ({ id, watched_at: when, action: 'watch', type: 'movie', movie: { title: imdb, ids: { imdb, trakt: id } } });

function traktWith(plays: Array<ReturnType<typeof play>>) {
  const gets: string[] = [];
  const get = async (p: string) => {
    gets.push(p);
    const q = new URL(`http://x${p}`).searchParams;
    const from = at(q.get('start_at')!);
    const to = at(q.get('end_at')!);
    const page = Number(q.get('page'));
    const limit = Number(q.get('limit'));
    const inRange = plays.filter((x) => at(x.watched_at) >= from && at(x.watched_at) <= to).sort((a, b) => at(b.watched_at) - at(a.watched_at));
    return { status: 200, body: inRange.slice((page - 1) * limit, page * limit), headers: { 'x-pagination-page-count': String(Math.max(1, Math.ceil(inRange.length / limit))) } };
  };
  return { get, gets };
}

describe('findRunPlays', () => {
  it('takes the newer of two plays of the same item at the same instant: the older was there before the run', async () => {
    const t = traktWith([play(5, 'tt1', '2024-01-01T10:00:00.000Z'), play(9, 'tt1', '2024-01-01T10:00:00.000Z'), play(7, 'tt1', '2024-03-01T10:00:00.000Z')]);
    const r = await findRunPlays(t.get, [row(1, 'tt1', '2024-01-01T10:00:00.000Z')]);
    expect([...r.found]).toEqual([[1, 9]]);
  });

  it('a pinned row takes only its play; a row whose play is gone finds nothing', async () => {
    const t = traktWith([play(5, 'tt1', '2024-01-01T10:00:00.000Z')]);
    const r = await findRunPlays(t.get, [row(1, 'tt1', '2024-01-01T10:00:00.000Z')], { pinned: new Map([[1, 9]]) });
    expect(r.found.size).toBe(0);
    const r2 = await findRunPlays(traktWith([]).get, [row(2, 'tt2', '2024-01-01T10:00:00.000Z')]);
    expect(r2.found.size).toBe(0);
  });

  it('reads ranges, not one GET per play: 600 plays over a year cost 3 pages', async () => {
    const plays = Array.from({ length: 600 }, (_, i) => play(1000 + i, `tt${i}`, new Date(at('2024-01-01T00:00:00.000Z') + i * 12 * 3600_000).toISOString()));
    const t = traktWith(plays);
    const rows = plays.map((p, i) => row(i + 1, `tt${i}`, p.watched_at));
    const r = await findRunPlays(t.get, rows);
    expect(r.found.size).toBe(600);
    expect(r.gets).toBe(3);
    expect(new Set([...r.found.values()]).size).toBe(600);
  });
});
