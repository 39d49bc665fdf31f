/**
 * Episodes that Trakt numbers differently from Plex: matched through the Trakt history
 * mirror's episode ids (trakt_history), so a play Trakt has under another number is not
 * sent again, and the right Plex episode (not the one with the same number) is marked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLibrary, iso } from './sync-library.js';
import { makeSyncWorld, type SyncWorld } from './sync-world.js';

const T = 1_750_000_000;
let w: SyncWorld;

beforeAll(async () => {
  const lib = buildLibrary({ movies: 0, shows: 1, episodesPerShow: 4 });
  const [, , e3, e4] = lib.shows[0]!.episodes;
  // Plex S01E03 is Trakt's S02E01; Plex S01E04 is Trakt's S01E03.
  Object.assign(e3!, { traktSeason: 2, traktNumber: 1, trakt: { plays: [iso(T)] } });
  Object.assign(e4!, { traktSeason: 1, traktNumber: 3, trakt: { plays: [iso(T + 60)] }, plex: { viewCount: 1, lastViewedAt: T + 60 } });
  w = await makeSyncWorld(lib);
  // What the History issue's mirror holds for those two plays (episode ids + Trakt numbering).
  const show = lib.shows[0]!;
  const ins = w.ctx.deps.sqlite.prepare(
    `INSERT INTO trakt_history (account_id, history_id, watched_at, action, type, title, show_trakt, show_tvdb, show_tmdb, show_imdb, season, number, episode_trakt, episode_tvdb, episode_tmdb)
     VALUES (?, ?, ?, 'watch', 'episode', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const [i, e] of [e3!, e4!].entries()) {
    ins.run(w.accountId, 100 + i, Date.parse(e.trakt.plays[0]!), show.title, show.traktId, show.ids.tvdb, show.ids.tmdb, show.ids.imdb, e.traktSeason, e.traktNumber, e.traktId, e.ids.tvdb, e.ids.tmdb);
  }
});
afterAll(async () => w?.close());

describe('episodes numbered differently on Trakt', () => {
  it('sends no duplicate and marks the right Plex episode', async () => {
    const [e1, e2, e3, e4] = w.lib.shows[0]!.episodes;
    const run = await w.run();
    expect(run.status).toBe('succeeded');
    expect(w.trakt.plays('alice').filter((p) => p.trakt === e4!.traktId)).toHaveLength(1); // not sent again
    expect(run.added_to_trakt).toBe(0);
    expect(w.plex.stateOf(e3!.key)[0]!.viewCount).toBe(1); // Trakt's S02E01 is Plex's S01E03
    expect(run.marked_in_plex).toBe(1);
    for (const e of [e1!, e2!]) expect(w.plex.stateOf(e.key)[0]!.viewCount).toBe(0);
  });
});
