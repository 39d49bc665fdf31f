/**
 * Reading the bulk bodies of /sync/history and /sync/ratings (and their /remove): movies,
 * shows (with optional seasons and episodes by Trakt number), seasons and episodes by ids.
 * Unknown items are collected for `not_found`, echoed as they were sent.
 */
import type { CatEpisode, CatMovie, CatSeason, CatShow, Catalogue } from './catalogue.js';
import { isObj, type Obj } from './route.js';

export type AnyItem = CatMovie | CatShow | CatSeason | CatEpisode;

export interface Node {
  item: AnyItem;
  /** The object sent for this item. */
  own: Obj;
  /** `watched_at` of this item or the nearest parent that has one. */
  watchedAt: unknown;
  /** No children were given: the node means "all of it". */
  leaf: boolean;
}

export interface NotFound {
  movies: unknown[];
  shows: unknown[];
  seasons: unknown[];
  episodes: unknown[];
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export function walk(cat: Catalogue, body: Obj): { nodes: Node[]; notFound: NotFound } {
  const nodes: Node[] = [];
  const notFound: NotFound = { movies: [], shows: [], seasons: [], episodes: [] };

  for (const m of list(body.movies)) {
    const movie = cat.findMovie(m.ids as Obj, m.title, m.year);
    if (movie) nodes.push({ item: movie, own: m, watchedAt: m.watched_at, leaf: true });
    else notFound.movies.push(m);
  }

  const seasonChildren = (season: CatSeason, s: Obj, inherited: unknown) => {
    const episodes = Array.isArray(s.episodes) ? list(s.episodes) : undefined;
    const watchedAt = s.watched_at ?? inherited;
    nodes.push({ item: season, own: s, watchedAt, leaf: !episodes });
    for (const e of episodes ?? []) {
      const episode = season.episodes.get(Number(e.number));
      if (episode) nodes.push({ item: episode, own: e, watchedAt: e.watched_at ?? watchedAt, leaf: true });
      else notFound.episodes.push(e);
    }
  };

  for (const s of list(body.shows)) {
    const show = cat.findShow(s.ids as Obj, s.title, s.year);
    if (!show) {
      notFound.shows.push(s);
      continue;
    }
    const seasons = Array.isArray(s.seasons) ? list(s.seasons) : undefined;
    nodes.push({ item: show, own: s, watchedAt: s.watched_at, leaf: !seasons });
    for (const se of seasons ?? []) {
      const season = show.seasons.get(Number(se.number));
      if (season) seasonChildren(season, se, s.watched_at);
      else notFound.seasons.push(se);
    }
  }

  for (const se of list(body.seasons)) {
    const season = cat.findSeason(se.ids as Obj);
    if (season) seasonChildren(season, se, undefined);
    else notFound.seasons.push(se);
  }

  for (const e of list(body.episodes)) {
    const episode = cat.findEpisode(e.ids as Obj);
    if (episode) nodes.push({ item: episode, own: e, watchedAt: e.watched_at, leaf: true });
    else notFound.episodes.push(e);
  }
  return { nodes, notFound };
}

/** The movies and episodes the leaf nodes stand for ("only a show" = every episode of it). */
export function playTargets(cat: Catalogue, nodes: Node[]): Array<{ item: CatMovie | CatEpisode; watchedAt: unknown }> {
  const out: Array<{ item: CatMovie | CatEpisode; watchedAt: unknown }> = [];
  for (const n of nodes) {
    if (!n.leaf) continue;
    const it = n.item;
    if (it.kind === 'movie' || it.kind === 'episode') out.push({ item: it, watchedAt: n.watchedAt });
    else if (it.kind === 'show') for (const e of cat.episodesOf(it)) out.push({ item: e, watchedAt: n.watchedAt });
    else for (const e of cat.episodesOf(it.show, it.number)) out.push({ item: e, watchedAt: n.watchedAt });
  }
  return out;
}

/** The not_found lists keyed by the level of an item. */
export function levelOf(item: AnyItem): keyof NotFound {
  return `${item.kind}s` as keyof NotFound;
}
