import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmdbClient } from '../../../src/tmdb/client.js';
import { edgeItems, generateLibrary } from '../library/index.js';
import type { TmdbFake } from './fake.js';
import { startTmdbFake } from './fake.js';
import { pngSize } from './png.js';
import { seedTmdbFromLibrary } from './seed.js';
import { get } from './test-support.js';

describe('TMDB emulator seeded from a generated library', () => {
  const lib = generateLibrary({ seed: 12, movies: 60, shows: 16 });
  let fake: TmdbFake;
  beforeAll(async () => {
    fake = await startTmdbFake({ rateLimit: false });
  });
  afterAll(() => fake.stop());

  it('knows every movie and show by tmdb id, with the library poster paths', async () => {
    const summary = seedTmdbFromLibrary(fake, lib);
    expect(summary.movies).toBe(lib.movies.filter((m) => m.ids.tmdb !== undefined).length);
    expect(summary.shows).toBe(lib.shows.length);
    const movie = lib.movies.find((m) => m.tmdbPosterPath)!;
    expect(await (await get(fake, `/movie/${movie.ids.tmdb}`)).json()).toMatchObject({ title: movie.title, poster_path: movie.tmdbPosterPath, imdb_id: movie.ids.imdb ?? null });
    const show = lib.shows[0]!;
    expect((await (await get(fake, `/tv/${show.ids.tmdb}`)).json()).poster_path).toBe(show.tmdbPosterPath ?? null);
    const found = await (await get(fake, `/find/${show.ids.tvdb}?external_source=tvdb_id`)).json();
    expect(found.tv_results.map((r: any) => r.id)).toEqual([show.ids.tmdb]);
  });

  it("files episodes under Trakt's numbering where it differs from Plex's", async () => {
    const renumbered = edgeItems(lib).shows.renumbered!;
    const e = renumbered.episodes.find((x) => x.traktNumber !== undefined && x.ids.tmdb !== undefined)!;
    const res = await (await get(fake, `/tv/${renumbered.ids.tmdb}/season/${e.traktSeason}/episode/${e.traktNumber}`)).json();
    expect(res).toMatchObject({ id: e.ids.tmdb, name: e.title });
  });

  it("answers the app's own TMDB client with either credential, and a browser-style poster load works", async () => {
    const movie = lib.movies.find((m) => m.tmdbPosterPath)!;
    for (const key of [fake.apiKey, fake.readToken]) {
      const client = new TmdbClient({ apiUrl: fake.url, key });
      expect(await client.posterPath('movie', movie.ids.tmdb!)).toBe(movie.tmdbPosterPath);
    }
    const config = await new TmdbClient({ apiUrl: fake.url, key: fake.apiKey }).configuration();
    const img = await fetch(`${config.images!.secure_base_url}w342${movie.tmdbPosterPath}`);
    expect(img.status).toBe(200);
    expect(pngSize(Buffer.from(await img.arrayBuffer()))).toEqual({ width: 342, height: 513 });
  });
});
