/**
 * generateLibrary: a whole library (sections, accounts, movies, shows, episodes, watch
 * states and ratings on both sides) from a seed. Same seed and options → identical output.
 */
import { addEpisodes, makeMovie, makeShow, type GenContext } from './build.js';
import { buildEdges } from './edges.js';
import { IdAllocator } from './ids.js';
import type { LibAccount, LibMovie, LibShow, Library } from './model.js';
import { resolveOptions, type GenerateOptions } from './options.js';
import { fork, type Rng } from './prng.js';

const OTHER_NAMES = ['bob', 'carol', 'dave', 'erin', 'frank'] as const;
const SERVER_NAMES = ['Living Room', 'Basement NAS', 'Attic Server', 'Media Box', 'Den'] as const;

export function generateLibrary(options: GenerateOptions = {}): Library {
  const o = resolveOptions(options);
  const ctx: GenContext = {
    o,
    rng: fork(o.seed, 'items'),
    ids: new IdAllocator(fork(o.seed, 'ids'), o.movies + o.shows + (o.episodes ?? o.shows * o.episodesPerShow[1])),
    movieSections: o.sections.filter((s) => s.type === 'movie').map((s) => s.id),
    showSections: o.sections.filter((s) => s.type === 'show').map((s) => s.id),
  };
  const edges = o.edgeCases ? buildEdges(ctx) : { movies: [], shows: [] };

  const movies: LibMovie[] = [];
  for (let i = 1; i <= o.movies - edges.movies.length; i++) movies.push(makeMovie(ctx, `movie-${i}`));
  movies.push(...edges.movies);

  const shows: LibShow[] = [];
  const ordinary = Math.max(0, o.shows - edges.shows.length);
  const edgeEpisodes = edges.shows.reduce((n, s) => n + s.episodes.length, 0);
  const sizes = episodeSizes(ctx.rng, ordinary, o.episodes === undefined ? undefined : o.episodes - edgeEpisodes, o.episodesPerShow);
  for (let i = 0; i < ordinary; i++) {
    const show = makeShow(ctx, `show-${i + 1}`);
    addEpisodes(ctx, show, sizes[i]!);
    shows.push(show);
  }
  shows.push(...edges.shows);

  const meta = fork(o.seed, 'meta');
  return {
    seed: o.seed,
    serverName: meta.pick(SERVER_NAMES),
    machineIdentifier: meta.hex(40),
    owner: { plexAccountId: 1, ...o.owner },
    otherAccounts: otherAccounts(meta, o.otherAccounts),
    sections: o.sections.map((s) => ({ ...s })),
    movies,
    shows,
  };
}

/** Episodes per ordinary show: drawn from the range, or an exact total spread over the shows. */
function episodeSizes(rng: Rng, shows: number, total: number | undefined, [min, max]: [number, number]): number[] {
  if (total === undefined) return Array.from({ length: shows }, () => rng.int(min, max));
  if (shows === 0) return [];
  // At least one each; the rest spread by random weights, the rounding remainder one by one.
  const spare = Math.max(0, total - shows);
  const weights = Array.from({ length: shows }, () => 0.2 + rng.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => 1 + Math.floor((spare * w) / sum));
  let left = Math.max(shows, total) - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shows, left--) sizes[i] += 1;
  return sizes;
}

function otherAccounts(rng: Rng, n: number): LibAccount[] {
  const out: LibAccount[] = [];
  const used = new Set<number>();
  for (let i = 0; i < n; i++) {
    let id = rng.int(1_000_000, 60_000_000);
    while (used.has(id)) id += 1;
    used.add(id);
    out.push({ plexAccountId: id, plexUsername: OTHER_NAMES[i]!, traktUsername: `${OTHER_NAMES[i]}-trakt` });
  }
  return out;
}
