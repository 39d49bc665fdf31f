/**
 * Trakt's "standard media objects" (API.md A.6): the JSON a catalogue item is sent as, in the
 * minimal form and with `extended=full` metadata.
 */
import type { CatEpisode, CatMovie, CatSeason, CatShow } from './catalogue.js';
import { toIso } from './clock.js';

/** A fixed catalogue timestamp, so `updated_at` does not wander between calls. */
const UPDATED_AT = '2026-01-01T00:00:00.000Z';

export function movieJson(m: CatMovie, full = false): Record<string, unknown> {
  const ref = { title: m.title, year: m.year, ids: { trakt: m.trakt, slug: m.slug, imdb: m.imdb, tmdb: m.tmdb } };
  if (!full) return ref;
  return {
    ...ref,
    tagline: '',
    overview: `${m.title} (${m.year ?? 'n/a'}).`,
    released: m.released,
    runtime: m.runtime,
    country: 'us',
    trailer: null,
    homepage: null,
    status: 'released',
    rating: 7.5,
    votes: 1000,
    comment_count: 0,
    updated_at: UPDATED_AT,
    language: 'en',
    available_translations: ['en'],
    genres: ['drama'],
    certification: null,
  };
}

export function showJson(s: CatShow, full = false): Record<string, unknown> {
  const ref = {
    title: s.title,
    year: s.year,
    ids: { trakt: s.trakt, slug: s.slug, tvdb: s.tvdb, imdb: s.imdb, tmdb: s.tmdb },
  };
  if (!full) return ref;
  return {
    ...ref,
    overview: `${s.title} (${s.year ?? 'n/a'}).`,
    first_aired: new Date(Date.UTC(s.year ?? 2000, 0, 1)).toISOString(),
    airs: { day: 'Sunday', time: '21:00', timezone: 'America/New_York' },
    runtime: s.runtime,
    certification: null,
    network: 'Emulated',
    country: 'us',
    trailer: null,
    homepage: null,
    status: 'ended',
    rating: 8,
    votes: 1000,
    comment_count: 0,
    updated_at: UPDATED_AT,
    language: 'en',
    available_translations: ['en'],
    genres: ['drama'],
    aired_episodes: s.episodeCount,
  };
}

export function seasonJson(s: CatSeason): Record<string, unknown> {
  return { number: s.number, ids: { trakt: s.trakt, tvdb: s.tvdb, tmdb: s.tmdb } };
}

export function episodeJson(e: CatEpisode, full = false): Record<string, unknown> {
  const ref = {
    season: e.season,
    number: e.number,
    title: e.title,
    ids: { trakt: e.trakt, tvdb: e.tvdb, imdb: e.imdb, tmdb: e.tmdb },
  };
  if (!full) return ref;
  return {
    ...ref,
    number_abs: null,
    overview: `${e.show.title} ${e.season}x${e.number}.`,
    rating: 8,
    votes: 100,
    comment_count: 0,
    first_aired: toIso(e.firstAired),
    updated_at: UPDATED_AT,
    available_translations: ['en'],
    runtime: e.runtime,
    episode_type: e.number === 1 ? 'season_premiere' : 'standard',
  };
}

/** `{ movie }` or `{ episode, show }`, the item part of history, playback and scrobble answers. */
export function itemJson(item: CatMovie | CatEpisode, full = false): Record<string, unknown> {
  return item.kind === 'movie'
    ? { movie: movieJson(item, full) }
    : { episode: episodeJson(item, full), show: showJson(item.show, full) };
}
