/** Shared set-up for the emulator's own tests: a fake with a tiny invented catalogue. */
import { startTmdbFake, type TmdbFake, type TmdbFakeOptions } from './fake.js';

export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

/** Invented fixtures: two movies, one show with two episodes. */
export function addFixtures(fake: TmdbFake): void {
  const cat = fake.catalogue;
  cat.addMovie({ id: 550, title: 'Fixture Club', year: 1999, imdb: 'tt0137523', posterPath: '/fixtureClubPoster0000000000.jpg', runtimeMin: 139 });
  cat.addMovie({ id: 551, title: 'No Poster Movie', year: 2004, posterPath: null });
  cat.addShow({ id: 1399, name: 'Fixture Thrones', year: 2011, imdb: 'tt0944947', tvdb: 121361, posterPath: '/fixtureThronesPoster000000.jpg' });
  cat.addEpisode({ id: 63056, showId: 1399, season: 1, number: 1, name: 'Winter Fixture', imdb: 'tt1480055', tvdb: 3254641, runtimeMin: 62, stillPath: '/stillA.jpg' });
  cat.addEpisode({ id: 63057, showId: 1399, season: 1, number: 2, name: 'The Fixture Road', tvdb: 3436411, stillPath: null });
}

export async function fixtureFake(opts: TmdbFakeOptions = {}): Promise<TmdbFake> {
  const fake = await startTmdbFake(opts);
  addFixtures(fake);
  return fake;
}

/** GET below the API base with the v3 key (or `auth` to choose another way). */
export function get(fake: TmdbFake, path: string, auth: { apiKey?: string; bearer?: string } = { apiKey: fake.apiKey }): Promise<JsonResponse> {
  const url = new URL(fake.url + path);
  const headers: Record<string, string> = {};
  if (auth.apiKey !== undefined) url.searchParams.set('api_key', auth.apiKey);
  if (auth.bearer !== undefined) headers.authorization = `Bearer ${auth.bearer}`;
  return fetch(url, { headers });
}
