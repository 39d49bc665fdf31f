/**
 * The edge cases a sync meets, each one item (or show) with a key starting `edge-`, built with
 * chosen states so that each matters to a sync (mostly: watched in Plex, not yet on Trakt).
 * Find them with `edgeItems(lib)` or by the keys in EDGE_MOVIE_KEYS / EDGE_SHOW_KEYS.
 */
import { makeEpisode, makeMovie, makeShow, type GenContext } from './build.js';
import type { LibEpisode, LibMovie, LibShow, Library } from './model.js';
import { iso, pastInstant, type SideStates } from './states.js';

export const EDGE_PREFIX = 'edge-';

export const EDGE_MOVIE_KEYS = {
  /** One movie in two movie sections (`sectionIds` has two entries); needs two movie sections. */
  twoSections: 'edge-two-sections',
  /** Two Plex items of one movie in one section (`editions: ["Director's Cut"]`). */
  edition: 'edge-edition',
  /** Agent `local`: Plex knows no external id. */
  noIdLocal: 'edge-no-id-local',
  /** Agent `none` (Personal Media): no external id. */
  noIdNone: 'edge-no-id-none',
  /** `traktId: null`: Trakt answers not_found. */
  traktUnknown: 'edge-trakt-unknown',
  legacyImdb: 'edge-legacy-imdb',
  legacyTmdb: 'edge-legacy-tmdb',
  /** A movie with a tmdb id and no imdb id. */
  noImdb: 'edge-no-imdb',
  /**
   * A mini-series filed in a movie library, matched as one long movie. The model cannot say
   * "Trakt knows this as a show", so it is a movie Trakt does not know (`traktId: null`).
   */
  miniSeries: 'edge-mini-series',
  /** Watched three times in Plex; Trakt has the same three plays. */
  rewatched: 'edge-rewatched',
} as const;

export const EDGE_SHOW_KEYS = {
  /** Season 0: s00e01 Plex only, s00e02 Trakt only, s00e03 both at the same time. */
  specials: 'edge-specials',
  /** `extraEpisodesInFile`: S01E01-E02 (watched in Plex) and S01E04-E06 (played on Trakt). */
  multiEpisode: 'edge-multi-episode',
  /** Plex has seasons 1-2 of 5; Trakt numbers absolutely (season 2 = 1x06-1x10: traktSeason/traktNumber). */
  renumbered: 'edge-renumbered',
  /** HAMA with an AniDB id: no usable id. */
  noIdAnidb: 'edge-no-id-anidb',
  /** Agent `local` show: no usable id. */
  noIdLocal: 'edge-no-id-local-show',
  /** A show Trakt does not know: the show and its episodes have `traktId: null`. */
  traktUnknown: 'edge-trakt-unknown-show',
  /** A known show whose last episode Trakt does not know yet (`traktId: null`). */
  traktUnknownEpisode: 'edge-trakt-unknown-episode',
  legacyTvdb: 'edge-legacy-tvdb',
  legacyTmdb: 'edge-legacy-tmdb-show',
  hamaTvdb: 'edge-hama-tvdb',
} as const;

export type EdgeMovieKind = keyof typeof EDGE_MOVIE_KEYS;
export type EdgeShowKind = keyof typeof EDGE_SHOW_KEYS;

export const isEdgeKey = (key: string): boolean => key.startsWith(EDGE_PREFIX);

type Pattern = 'plexOnly' | 'traktOnly' | 'both' | 'neither';

function fixed(ctx: GenContext, pattern: Pattern, t = pastInstant(ctx.rng, ctx.o.now)): SideStates {
  const watched = pattern === 'plexOnly' || pattern === 'both';
  return {
    plex: watched ? { viewCount: 1, lastViewedAt: t } : { viewCount: 0, lastViewedAt: null },
    trakt: { plays: pattern === 'traktOnly' || pattern === 'both' ? [iso(t)] : [] },
  };
}

function edgeMovies(ctx: GenContext): LibMovie[] {
  const K = EDGE_MOVIE_KEYS;
  const plexOnly = () => fixed(ctx, 'plexOnly');
  const out: LibMovie[] = [];
  if (ctx.movieSections.length > 1) out.push(makeMovie(ctx, K.twoSections, { sectionIds: ctx.movieSections.slice(0, 2), agent: 'modern', ...plexOnly() }));
  const primary = [ctx.movieSections[0]!];
  const t = pastInstant(ctx.rng, ctx.o.now);
  const rewatches: SideStates = {
    plex: { viewCount: 3, lastViewedAt: t },
    trakt: { plays: [iso(t), iso(t - 200 * 86_400), iso(t - 400 * 86_400)] },
  };
  out.push(
    makeMovie(ctx, K.edition, { sectionIds: primary, agent: 'modern', editions: ["Director's Cut"], ...plexOnly() }),
    makeMovie(ctx, K.noIdLocal, { sectionIds: primary, agent: 'local', ...plexOnly() }),
    makeMovie(ctx, K.noIdNone, { sectionIds: primary, agent: 'none', ...plexOnly() }),
    makeMovie(ctx, K.traktUnknown, { sectionIds: primary, agent: 'modern', traktId: null, ...plexOnly() }),
    makeMovie(ctx, K.legacyImdb, { sectionIds: primary, agent: 'legacy-imdb', ...plexOnly() }),
    makeMovie(ctx, K.legacyTmdb, { sectionIds: primary, agent: 'legacy-tmdb', ...plexOnly() }),
    makeMovie(ctx, K.miniSeries, { sectionIds: primary, agent: 'modern', traktId: null, durationMs: 5 * 3_600_000 + 17 * 60_000, ...plexOnly() }),
    makeMovie(ctx, K.rewatched, { sectionIds: primary, agent: 'modern', ...rewatches }),
  );
  const noImdb = makeMovie(ctx, K.noImdb, { sectionIds: primary, agent: 'modern', ...plexOnly() });
  noImdb.ids = { tmdb: noImdb.ids.tmdb };
  out.push(noImdb);
  // Legacy imdb needs an imdb id; the mini-series is named as one.
  out.find((m) => m.key === K.legacyImdb)!.ids.imdb ??= ctx.ids.imdb();
  const mini = out.find((m) => m.key === K.miniSeries)!;
  mini.title = `${mini.title}: The Complete Mini-Series`;
  return out;
}

/** A show with exactly the given seasons; `states(e, i)` chooses each episode's states. */
function showWith(ctx: GenContext, key: string, over: Partial<LibShow>, seasons: Array<[number, number]>, states: (i: number) => Pattern): LibShow {
  const show = makeShow(ctx, key, { sectionId: ctx.showSections[0]!, ...over });
  let i = 0;
  for (const [season, count] of seasons) {
    for (let n = 1; n <= count; n++) {
      const p = states(i++);
      show.episodes.push(makeEpisode(ctx, show, season, n, () => fixed(ctx, p)));
    }
  }
  return show;
}

function edgeShows(ctx: GenContext): LibShow[] {
  const K = EDGE_SHOW_KEYS;
  const cycle: Pattern[] = ['plexOnly', 'traktOnly', 'both', 'neither'];
  const byCycle = (i: number): Pattern => cycle[i % cycle.length]!;
  const specials = showWith(ctx, K.specials, { agent: 'modern' }, [[0, 3], [1, 6]], byCycle);

  const multi = showWith(ctx, K.multiEpisode, { agent: 'modern' }, [[1, 6]], () => 'neither');
  const [e1, e2, , e4, e5, e6] = multi.episodes as LibEpisode[];
  e1!.extraEpisodesInFile = 1;
  e4!.extraEpisodesInFile = 2;
  const t = pastInstant(ctx.rng, ctx.o.now);
  for (const e of [e1!, e2!]) Object.assign(e, fixed(ctx, 'plexOnly', t));
  for (const e of [e4!, e5!, e6!]) Object.assign(e, fixed(ctx, 'traktOnly'));

  const renumbered = showWith(ctx, K.renumbered, { agent: 'modern' }, [[1, 5], [2, 5]], byCycle);
  for (const e of renumbered.episodes) {
    if (e.season === 2) {
      e.traktSeason = 1;
      e.traktNumber = 5 + e.number;
    }
  }

  const unknown = showWith(ctx, K.traktUnknown, { agent: 'modern', traktId: null }, [[1, 4]], () => 'plexOnly');
  const unknownEpisode = showWith(ctx, K.traktUnknownEpisode, { agent: 'modern' }, [[1, 4]], () => 'plexOnly');
  unknownEpisode.episodes.at(-1)!.traktId = null;

  const plexOnly = (): Pattern => 'plexOnly';
  return [
    specials,
    multi,
    renumbered,
    showWith(ctx, K.noIdAnidb, { agent: 'hama-anidb' }, [[1, 12]], byCycle),
    showWith(ctx, K.noIdLocal, { agent: 'local' }, [[1, 3]], plexOnly),
    unknown,
    unknownEpisode,
    showWith(ctx, K.legacyTvdb, { agent: 'legacy-tvdb' }, [[1, 4], [2, 4]], byCycle),
    showWith(ctx, K.legacyTmdb, { agent: 'legacy-tmdb' }, [[1, 4]], byCycle),
    showWith(ctx, K.hamaTvdb, { agent: 'hama-tvdb' }, [[1, 6]], byCycle),
  ];
}

export function buildEdges(ctx: GenContext): { movies: LibMovie[]; shows: LibShow[] } {
  return {
    movies: ctx.movieSections.length > 0 ? edgeMovies(ctx) : [],
    shows: ctx.showSections.length > 0 ? edgeShows(ctx) : [],
  };
}

/** The edge-case items of a library by kind (a kind is missing when the library has none). */
export function edgeItems(lib: Library): { movies: Partial<Record<EdgeMovieKind, LibMovie>>; shows: Partial<Record<EdgeShowKind, LibShow>> } {
  const movies: Partial<Record<EdgeMovieKind, LibMovie>> = {};
  const shows: Partial<Record<EdgeShowKind, LibShow>> = {};
  const movieKinds = new Map(Object.entries(EDGE_MOVIE_KEYS).map(([k, v]) => [v as string, k as EdgeMovieKind]));
  const showKinds = new Map(Object.entries(EDGE_SHOW_KEYS).map(([k, v]) => [v as string, k as EdgeShowKind]));
  for (const m of lib.movies) {
    const kind = movieKinds.get(m.key);
    if (kind) movies[kind] = m;
  }
  for (const s of lib.shows) {
    const kind = showKinds.get(s.key);
    if (kind) shows[kind] = s;
  }
  return { movies, shows };
}

