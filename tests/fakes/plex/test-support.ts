/**
 * Harness of the Plex emulators' own tests: a small invented library in the shared model
 * that covers every agent style, specials, a multi-episode file, a movie in two sections
 * with an edition, and a second account; plus a `call()` that sends a token and asks for
 * JSON unless told otherwise.
 */
import type { LibEpisode, LibMovie, LibShow, Library, PlexState } from '../library/model.js';
import { startPlexFakes, type PlexFakes } from './fakes.js';

/** fetch with a loosely typed JSON body (lib.dom types it as unknown). */
export type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };
export const fetchJson = (url: string, init?: RequestInit): Promise<JsonResponse> => fetch(url, init);

export const unwatched = (): PlexState => ({ viewCount: 0, lastViewedAt: null });
export const T0 = 1_750_000_000; // a fixed "now" (epoch seconds) for the manual clock

function movie(key: string, title: string, over: Partial<LibMovie> = {}): LibMovie {
  const n = Number(key.replace(/\D/g, ''));
  return {
    key,
    title,
    year: 1990 + n,
    durationMs: 6_000_000 + n,
    ids: { imdb: `tt${String(9_000_000 + n)}`, tmdb: 70_000 + n, tvdb: 80_000 + n },
    traktId: 100 + n,
    agent: 'modern',
    sectionIds: [1],
    plex: unwatched(),
    trakt: { plays: [] },
    ...over,
  };
}

function episodes(showKey: string, base: number, layout: Array<[season: number, count: number]>): LibEpisode[] {
  const out: LibEpisode[] = [];
  for (const [season, count] of layout) {
    for (let number = 1; number <= count; number++) {
      const id = base + season * 100 + number;
      out.push({
        key: `${showKey}-s${String(season).padStart(2, '0')}e${String(number).padStart(2, '0')}`,
        season,
        number,
        title: `Episode ${number}`,
        durationMs: 1_500_000,
        ids: { imdb: `tt${id}`, tmdb: id, tvdb: id + 1 },
        traktId: id,
        plex: unwatched(),
        trakt: { plays: [] },
      });
    }
  }
  return out;
}

function show(key: string, title: string, agent: LibShow['agent'], sectionId: number, base: number, layout: Array<[number, number]>): LibShow {
  return { key, title, year: 2010, ids: { imdb: `tt${base}`, tmdb: base + 1, tvdb: base + 2 }, traktId: base, agent, sectionId, episodes: episodes(key, base, layout) };
}

export function smallLibrary(): Library {
  const modern = show('show-1', 'The Modern Show', 'modern', 2, 5_000_000, [[0, 1], [1, 3], [2, 2]]);
  modern.episodes[1]!.extraEpisodesInFile = 1; // S01E01-E02 in one file
  modern.episodes[1]!.plex = { viewCount: 1, lastViewedAt: T0 - 86_400 };
  modern.plexRating = 8;
  return {
    seed: 7,
    serverName: 'Test NAS',
    machineIdentifier: 'aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00',
    owner: { plexAccountId: 1, plexUsername: 'owner-pat', traktUsername: 'alice' },
    otherAccounts: [{ plexAccountId: 5_551_234, plexUsername: 'kid-sam', traktUsername: 'sam' }],
    sections: [
      { id: 1, title: 'Movies', type: 'movie', agent: 'tv.plex.agents.movie' },
      { id: 2, title: 'TV Shows', type: 'show', agent: 'tv.plex.agents.series' },
      { id: 3, title: 'Old Movies', type: 'movie', agent: 'com.plexapp.agents.imdb' },
      { id: 4, title: 'Old Shows', type: 'show', agent: 'com.plexapp.agents.thetvdb' },
      { id: 5, title: 'Anime', type: 'show', agent: 'com.plexapp.agents.hama' },
    ],
    movies: [
      movie('movie-1', 'The Matrix', { plex: { viewCount: 2, lastViewedAt: T0 - 3600, userRating: 9 } }),
      movie('movie-2', 'Alien', { sectionIds: [1, 3], editions: ["Director's Cut"] }),
      movie('movie-3', 'Brazil', { agent: 'legacy-imdb', sectionIds: [3], plex: { viewCount: 0, lastViewedAt: null, viewOffsetMs: 600_000 } }),
      movie('movie-4', 'Heat', { agent: 'legacy-tmdb', sectionIds: [3] }),
      movie('movie-5', 'Home Video', { agent: 'local', sectionIds: [1], ids: {} }),
      movie('movie-6', 'Unmatched Thing', { agent: 'none', sectionIds: [1], ids: {} }),
    ],
    shows: [
      modern,
      show('show-2', 'Old Show', 'legacy-tvdb', 4, 6_000_000, [[1, 2]]),
      show('show-3', 'Anime TVDB', 'hama-tvdb', 5, 7_000_000, [[1, 2]]),
      show('show-4', 'Anime AniDB', 'hama-anidb', 5, 7_100_000, [[1, 1]]),
      show('show-5', 'TMDB Show', 'legacy-tmdb', 4, 7_200_000, [[1, 1]]),
    ],
  };
}

export interface Harness {
  fakes: PlexFakes;
  clock: { now: () => number; set(ms: number): void; advance(ms: number): void };
  /** The owner's server token. */
  token: string;
  /** A request to the server emulator: owner token and Accept JSON unless overridden. */
  pms(path: string, init?: { token?: string | null; json?: boolean; method?: string; headers?: Record<string, string> }): Promise<JsonResponse>;
}

export async function startHarness(library: Library = smallLibrary()): Promise<Harness> {
  let nowMs = T0 * 1000;
  const clock = { now: () => nowMs, set: (ms: number) => void (nowMs = ms), advance: (ms: number) => void (nowMs += ms) };
  const fakes = await startPlexFakes({ now: clock.now, library, tokenSeed: 'tests' });
  const token = fakes.pms.tokenFor();
  const pms: Harness['pms'] = (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.json === false ? {} : { accept: 'application/json' }), ...init.headers };
    const t = init.token === undefined ? token : init.token;
    if (t) headers['x-plex-token'] = t;
    return fetch(`${fakes.pmsUrl}${path}`, { method: init.method ?? 'GET', headers });
  };
  return { fakes, clock, token, pms };
}

/**
 * A large library for scale tests: `movies` modern movies and `shows` shows of
 * `episodesPerShow` episodes over `seasons` seasons; every third episode watched by the owner.
 */
export function bigLibrary(movies: number, shows: number, episodesPerShow: number, seasons = 5): Library {
  const lib = smallLibrary();
  lib.sections = [
    { id: 1, title: 'Movies', type: 'movie', agent: 'tv.plex.agents.movie' },
    { id: 2, title: 'TV Shows', type: 'show', agent: 'tv.plex.agents.series' },
  ];
  lib.movies = [];
  for (let i = 1; i <= movies; i++) lib.movies.push(movie(`movie-${i}`, `Movie ${i}`));
  lib.shows = [];
  const perSeason = Math.ceil(episodesPerShow / seasons);
  let e = 0;
  for (let j = 1; j <= shows; j++) {
    const key = `show-${j}`;
    const eps: LibEpisode[] = [];
    for (let k = 0; k < episodesPerShow; k++) {
      e += 1;
      const season = 1 + Math.floor(k / perSeason);
      eps.push({
        key: `${key}-e${k}`,
        season,
        number: 1 + (k % perSeason),
        title: `Episode ${k + 1}`,
        durationMs: 1_500_000,
        ids: { tvdb: 10_000_000 + e, tmdb: 20_000_000 + e },
        traktId: 30_000_000 + e,
        plex: e % 3 === 0 ? { viewCount: 1, lastViewedAt: T0 - e } : unwatched(),
        trakt: { plays: [] },
      });
    }
    lib.shows.push({ key, title: `Show ${j}`, year: 2000 + (j % 25), ids: { tvdb: 300_000 + j, tmdb: 60_000 + j }, traktId: j, agent: 'modern', sectionId: 2, episodes: eps });
  }
  return lib;
}
