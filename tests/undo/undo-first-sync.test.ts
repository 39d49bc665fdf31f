/**
 * Undo of a first sync on a generated world: Trakt (plays, ratings) and Plex (watched state,
 * ratings) return exactly to their state before it, while plays added meanwhile (a webhook
 * scrobble, a play added on Trakt's site, both of items the run also added) stay. Trakt is
 * read in bulk (history ranges, not a GET per item). Undoing twice does nothing more; the
 * next sync does not write again what the undo took back; a dry run cannot be undone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/db/repos/sync-runs.js';
import { UndoRefusedError } from '../../src/undo/run-undo.js';
import { generateLibrary } from '../fakes/library/index.js';
import { makeSyncWorld, type SyncWorld } from '../sync/sync-world.js';
import { scrobbleOnTrakt, snapshot, type Snapshot } from './undo-world.js';

let w: SyncWorld;
let before: Snapshot;
let runId: number;
let meanwhile: number[] = [];

beforeAll(async () => {
  const lib = generateLibrary({ seed: 16, movies: 120, shows: 10, episodesPerShow: [2, 6], otherAccounts: 0 });
  w = await makeSyncWorld(lib);
  before = snapshot(w);
});
afterAll(async () => w?.close());

async function undo(id: number) {
  const started = await w.ctx.deps.sync!.undo({ kind: 'run', id }, 'manual');
  return started.done;
}

describe('undo of a first sync', () => {
  it('the first sync writes both ways (plays, marks, ratings)', async () => {
    const run = await w.run();
    runId = run.id;
    expect(['succeeded', 'partial']).toContain(run.status);
    expect(run.added_to_trakt).toBeGreaterThan(20);
    expect(run.marked_in_plex).toBeGreaterThan(5);
    expect(run.ratings_to_trakt + run.ratings_to_plex).toBeGreaterThan(5);
    expect(snapshot(w)).not.toEqual(before);
  });

  it('plays added meanwhile, of items the run added: a webhook scrobble and one on Trakt\'s site', async () => {
    const added = w.ctx.deps.sqlite
      .prepare(`SELECT request FROM ledger WHERE source = 'sync' AND source_id = ? AND action = 'history.add' AND status = 'sent' AND media_type = 'movie' ORDER BY id LIMIT 2`)
      .all(runId) as Array<{ request: string }>;
    const traktIds = added.map((r) => {
      const ids = JSON.parse(r.request).movies[0].ids as { imdb?: string; tmdb?: number };
      return w.lib.movies.find((m) => (ids.imdb && m.ids.imdb === ids.imdb) || (ids.tmdb && m.ids.tmdb === ids.tmdb))!.traktId!;
    });
    const user = w.lib.owner.traktUsername;
    const n = w.trakt.plays(user).length;
    await scrobbleOnTrakt(w, traktIds[0]!);
    w.trakt.addPlay(user, { type: 'movie', trakt: traktIds[1]! }, '2020-02-02T20:20:00.000Z');
    const now = w.trakt.plays(user);
    expect(now).toHaveLength(n + 2);
    meanwhile = now.slice(0, 0).concat(now.filter((p) => p.id > Math.max(...now.map((q) => q.id)) - 2)).map((p) => p.id);
    expect(meanwhile).toHaveLength(2);
  });

  it('the undo page sentence says what it will do', async () => {
    const { previewUndo } = await import('../../src/undo/run-undo.js');
    const p = await previewUndo(w.ctx.deps, { kind: 'run', id: runId });
    expect(p.sentence).toMatch(/^Undo will remove \d+ plays from Trakt, mark \d+ items unwatched in Plex \(each only if nobody watched it since\), put back \d+ ratings\./);
  });

  it('undo returns both sides to their state before the run; the plays added meanwhile stay', async () => {
    const getsBefore = w.trakt.countOf('GET /sync/history');
    const u = await undo(runId);
    expect(u).toMatchObject({ status: 'succeeded', undo_of: runId, errors: 0 });
    const run = (await getRun(w.ctx.deps.db, runId))!;
    expect(u.removed_from_trakt).toBe(run.added_to_trakt);
    expect(u.unwatched_in_plex).toBe(run.marked_in_plex);
    expect(u.ratings_to_trakt + u.ratings_to_plex).toBe(run.ratings_to_trakt + run.ratings_to_plex);
    // Read in bulk: a few history pages, not one GET per play.
    const gets = w.trakt.countOf('GET /sync/history') - getsBefore;
    expect(gets).toBeGreaterThan(0);
    expect(gets).toBeLessThanOrEqual(6);
    expect(u.trakt_gets).toBe(gets);

    const after = snapshot(w);
    const user = w.lib.owner.traktUsername;
    const extra = w.trakt.plays(user).filter((p) => !before.plays.some((b) => b.id === p.id));
    // What is on Trakt and not before: exactly the scrobble and the site play.
    expect(extra.map((p) => p.id).sort()).toEqual([...meanwhile].sort());
    expect(extra.map((p) => p.watched_at)).toContain('2020-02-02T20:20:00.000Z');
    expect(after.plays.filter((p) => before.plays.some((b) => b.id === p.id))).toEqual(before.plays);
    expect(after.ratings).toEqual(before.ratings);
    expect(after.plex).toEqual(before.plex);
  });

  it('undoing again does nothing more: a sentence, no writes', async () => {
    const writes = w.trakt.countOf('POST /sync/history/remove');
    await expect(w.ctx.deps.sync!.undo({ kind: 'run', id: runId }, 'manual')).rejects.toThrow(/nothing left to undo/);
    expect(w.trakt.countOf('POST /sync/history/remove')).toBe(writes);
  });

  it('the next sync does not write again what the undo took back', async () => {
    const snap = snapshot(w);
    const next = await w.run();
    expect(next).toMatchObject({ added_to_trakt: 0, marked_in_plex: 0 });
    expect(snapshot(w).plays).toEqual(snap.plays);
    expect(snapshot(w).plex).toEqual(snap.plex);
  });

  it('a dry run, and an undo run, cannot be undone (sentences)', async () => {
    const dry = await w.run({ dryRun: true });
    await expect(w.ctx.deps.sync!.undo({ kind: 'run', id: dry.id }, 'manual')).rejects.toThrow(new UndoRefusedError(`Run ${dry.id} was a dry run: it wrote nothing, so there is nothing to undo.`));
    const undoRun = w.ctx.deps.sqlite.prepare('SELECT id FROM sync_runs WHERE undo_of IS NOT NULL').get() as { id: number };
    await expect(w.ctx.deps.sync!.undo({ kind: 'run', id: undoRun.id }, 'manual')).rejects.toThrow(/is itself an undo/);
  });
});
