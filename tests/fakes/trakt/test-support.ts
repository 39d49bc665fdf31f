/**
 * Shared set-up for the emulator's own tests: a running fake on a manual clock with a small
 * invented catalogue, a logged-in user, and a `call()` that sends the headers a client must.
 */
import { manualClock, type ManualClock } from './clock.js';
import { startTraktFake, type TraktFake } from './fake.js';
import { DEFAULT_CLIENT_ID, type TraktFakeOptions } from './world.js';

export const UA = 'plex-trakt-sync-tests/1.0';

/** A fetch Response whose JSON the tests read loosely (lib.dom types it as unknown). */
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

/** fetch, typed for tests that read JSON bodies. */
export const fetchJson = (url: string, init?: RequestInit): Promise<JsonResponse> => fetch(url, init);

export interface Harness {
  fake: TraktFake;
  clock: ManualClock;
  token: string;
  /** fetch with JSON, the app key, API version, User-Agent and (unless token: null) the bearer. */
  call(path: string, init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<JsonResponse>;
}

/** Invented fixtures: 3 movies, one show with seasons 1 (3 episodes) and 2 (2 episodes). */
export function addFixtures(fake: TraktFake): void {
  const cat = fake.catalogue;
  cat.addMovie({ trakt: 101, title: 'Fixture Movie One', year: 2001, imdb: 'tt9000101', tmdb: 50101 });
  cat.addMovie({ trakt: 102, title: 'Fixture Movie Two', year: 2002, imdb: 'tt9000102', tmdb: 50102 });
  cat.addMovie({ trakt: 103, title: 'Fixture Movie Three', year: 2003, imdb: 'tt9000103', tmdb: 777 });
  cat.addShow({ trakt: 201, title: 'Fixture Show', year: 2010, imdb: 'tt9000201', tmdb: 777, tvdb: 80201 });
  let id = 3001;
  for (const [season, count] of [[1, 3], [2, 2]] as const) {
    for (let n = 1; n <= count; n++) {
      cat.addEpisode({ trakt: id, showTrakt: 201, season, number: n, imdb: `tt9${id}`, tmdb: 600000 + id, tvdb: 700000 + id });
      id += 1;
    }
  }
}

export async function startHarness(opts: TraktFakeOptions = {}): Promise<Harness> {
  const clock = manualClock();
  const fake = await startTraktFake({ now: clock.now, rateLimits: false, ...opts });
  addFixtures(fake);
  const token = fake.issueToken().access_token;
  const call: Harness['call'] = (path, init = {}) => {
    const headers: Record<string, string> = {
      'user-agent': UA,
      'trakt-api-key': DEFAULT_CLIENT_ID,
      'trakt-api-version': '2',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    const bearer = init.token === undefined ? token : init.token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    return fetchJson(`${fake.url}${path}`, {
      method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
      headers: { ...headers, ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  };
  return { fake, clock, token, call };
}
