/**
 * Loads a generated `Library` into the emulator: every item with a traktId becomes known to
 * Trakt (with its ids and Trakt's own episode numbering), and the user's plays and ratings are
 * written straight into the indexes (no requests), so 100k plays seed in well under a second.
 */
import type { Library } from '../library/model.js';
import { parseTime, truncateToSecond } from './clock.js';
import type { TraktFake } from './fake.js';
import type { RatedItem, TraktUser } from './user.js';

export interface SeedSummary {
  movies: number;
  shows: number;
  episodes: number;
  plays: number;
  ratings: number;
  ms: number;
}

/** Seeded plays count as updated when they were watched. */
function addPlays(user: TraktUser, item: Parameters<TraktUser['history']['add']>[0], plays: string[]): number {
  let n = 0;
  for (const iso of plays) {
    const at = parseTime(iso);
    if (at === undefined) continue;
    const t = truncateToSecond(at);
    user.history.add(item, t, 'watch', t);
    n += 1;
  }
  return n;
}

function rate(user: TraktUser, item: RatedItem, rating: number | undefined, ratedAt: string | undefined, now: number): number {
  if (rating === undefined) return 0;
  user.ratings.set(item, { item, rating, ratedAt: truncateToSecond(parseTime(ratedAt) ?? now) });
  return 1;
}

export function seedTraktFromLibrary(fake: TraktFake, lib: Library, username = lib.owner.traktUsername): SeedSummary {
  const t0 = performance.now();
  const { world } = fake;
  const cat = world.catalogue;
  const user = world.addUser({ username });
  const now = world.now();
  const out: SeedSummary = { movies: 0, shows: 0, episodes: 0, plays: 0, ratings: 0, ms: 0 };

  for (const m of lib.movies) {
    if (m.traktId === null) continue;
    const movie = cat.addMovie({
      trakt: m.traktId,
      title: m.title,
      year: m.year,
      imdb: m.ids.imdb,
      tmdb: m.ids.tmdb,
      runtime: Math.round(m.durationMs / 60_000),
    });
    out.movies += 1;
    out.plays += addPlays(user, movie, m.trakt.plays);
    out.ratings += rate(user, movie, m.trakt.rating, m.trakt.ratedAt, now);
  }

  for (const s of lib.shows) {
    if (s.traktId === null) continue; // episodes of a show Trakt does not know are unknown too
    const show = cat.addShow({ trakt: s.traktId, title: s.title, year: s.year, imdb: s.ids.imdb, tmdb: s.ids.tmdb, tvdb: s.ids.tvdb });
    out.shows += 1;
    out.ratings += rate(user, show, s.traktRating, undefined, now);
    for (const e of s.episodes) {
      if (e.traktId === null) continue;
      const episode = cat.addEpisode({
        trakt: e.traktId,
        showTrakt: show.trakt,
        season: e.traktSeason ?? e.season,
        number: e.traktNumber ?? e.number,
        title: e.title,
        imdb: e.ids.imdb,
        tmdb: e.ids.tmdb,
        tvdb: e.ids.tvdb,
        runtime: Math.round(e.durationMs / 60_000),
      });
      out.episodes += 1;
      out.plays += addPlays(user, episode, e.trakt.plays);
      out.ratings += rate(user, episode, e.trakt.rating, e.trakt.ratedAt, now);
    }
  }
  if (out.plays > 0) {
    user.activities.touch('movies', 'watched_at', now);
    user.activities.touch('episodes', 'watched_at', now);
  }
  if (out.ratings > 0) for (const g of ['movies', 'shows', 'episodes']) user.activities.touch(g, 'rated_at', now);
  out.ms = Math.round(performance.now() - t0);
  return out;
}
