/**
 * GET /search/{trakt|imdb|tmdb|tvdb}/{id}?type=movie,show,episode (API.md A.6): id lookups, where
 * tmdb/tvdb ids collide across kinds unless `type` narrows them; `score` is null.
 */
import { episodeJson, movieJson, showJson } from './media.js';
import { MAX_LIMIT, paginate } from './pagination.js';
import { extended, json, type Ctx, type Route } from './route.js';

const ID_TYPES = new Set(['trakt', 'imdb', 'tmdb', 'tvdb']);

function search(ctx: Ctx) {
  const [idType, id] = ctx.params;
  if (!ID_TYPES.has(idType)) return json(400, { error: `unknown id type ${idType}` });
  const types = new Set((ctx.req.query.get('type') ?? 'movie,show,episode,person,list').split(','));
  const full = extended(ctx).has('full');
  const found = ctx.world.catalogue.lookup(idType, decodeURIComponent(id));
  const results: Array<Record<string, unknown>> = [];
  if (types.has('movie')) for (const m of found.movies) results.push({ type: 'movie', score: null, movie: movieJson(m, full) });
  if (types.has('show')) for (const s of found.shows) results.push({ type: 'show', score: null, show: showJson(s, full) });
  if (types.has('episode')) {
    for (const e of found.episodes) results.push({ type: 'episode', score: null, episode: episodeJson(e, full), show: showJson(e.show, full) });
  }
  const page = paginate(results, ctx.req, { defaultLimit: 10, maxLimit: MAX_LIMIT });
  return json(200, page.items, page.headers);
}

export const searchRoutes: Route[] = [
  { method: 'GET', pattern: /^\/search\/([^/]+)\/([^/]+)$/, kind: '/search/:id_type/:id', auth: 'optional', handler: search },
];
