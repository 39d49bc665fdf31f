/**
 * /sync/ratings: read by type and rating, add (integer 1-10, anything else is not_found) and
 * remove. Ratings live on movies, shows, seasons and episodes (API.md A.5).
 */
import { parseTime, toIso, truncateToSecond } from './clock.js';
import { episodeJson, movieJson, seasonJson, showJson } from './media.js';
import { MAX_LIMIT, paginate, wantsPage } from './pagination.js';
import { levelOf, walk, type NotFound } from './resolve.js';
import { accountLimit } from './routes-history.js';
import { extended, isObj, json, type Ctx, type Route } from './route.js';
import type { Rating, RatedItem } from './user.js';

const TYPES = ['movies', 'shows', 'seasons', 'episodes'] as const;
type Level = (typeof TYPES)[number];

export function ratingJson(r: Rating, full = false): Record<string, unknown> {
  const base = { rated_at: toIso(r.ratedAt), rating: r.rating, type: r.item.kind };
  const it = r.item;
  switch (it.kind) {
    case 'movie':
      return { ...base, movie: movieJson(it, full) };
    case 'show':
      return { ...base, show: showJson(it, full) };
    case 'season':
      return { ...base, season: seasonJson(it), show: showJson(it.show, full) };
    default:
      return { ...base, episode: episodeJson(it, full), show: showJson(it.show, full) };
  }
}

function getRatings(ctx: Ctx) {
  const type = ctx.params[0] ?? 'all';
  if (type !== 'all' && !TYPES.includes(type as Level)) return json(404, { error: 'unknown ratings type' });
  const wanted = ctx.params[1] ? new Set(ctx.params[1].split(',').map(Number)) : undefined;
  const all = [...ctx.user!.ratings.values()]
    .filter((r) => (type === 'all' || levelOf(r.item) === type) && (!wanted || wanted.has(r.rating)))
    .sort((a, b) => b.ratedAt - a.ratedAt || a.item.trakt - b.item.trakt);
  const full = extended(ctx).has('full');
  // "Pagination optional": everything unless a page or limit is asked for.
  if (!wantsPage(ctx.req)) return json(200, all.map((r) => ratingJson(r, full)));
  const page = paginate(all, ctx.req, { defaultLimit: 100, maxLimit: MAX_LIMIT });
  return json(200, page.items.map((r) => ratingJson(r, full)), page.headers);
}

const zero = () => ({ movies: 0, shows: 0, seasons: 0, episodes: 0 });

function touchRated(ctx: Ctx, levels: Record<Level, number>, now: number) {
  for (const level of TYPES) if (levels[level]) ctx.user!.activities.touch(level, 'rated_at', now);
}

function addRatings(ctx: Ctx) {
  const limited = accountLimit(ctx);
  if (limited) return limited;
  const now = ctx.world.now();
  const { nodes, notFound } = walk(ctx.world.catalogue, isObj(ctx.req.json) ? ctx.req.json : {});
  const added = zero();
  for (const n of nodes) {
    if (!('rating' in n.own)) continue; // a show sent only to reach its seasons/episodes
    const rating = n.own.rating;
    const ratedAt = n.own.rated_at === undefined ? now : parseTime(n.own.rated_at);
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 10 || ratedAt === undefined) {
      (notFound as NotFound)[levelOf(n.item)].push(n.own);
      continue;
    }
    ctx.user!.ratings.set(n.item, { item: n.item, rating, ratedAt: truncateToSecond(ratedAt) });
    added[levelOf(n.item)] += 1;
  }
  touchRated(ctx, added, now);
  return json(201, { added, not_found: notFound });
}

function removeRatings(ctx: Ctx) {
  const now = ctx.world.now();
  const { nodes, notFound } = walk(ctx.world.catalogue, isObj(ctx.req.json) ? ctx.req.json : {});
  const deleted = zero();
  for (const n of nodes) {
    if (!n.leaf) continue;
    if (ctx.user!.ratings.delete(n.item as RatedItem)) deleted[levelOf(n.item)] += 1;
  }
  touchRated(ctx, deleted, now);
  return json(200, { deleted, not_found: notFound });
}

export const ratingRoutes: Route[] = [
  { method: 'GET', pattern: /^\/sync\/ratings(?:\/([^/]+)(?:\/([0-9,]+))?)?\/?$/, kind: '/sync/ratings', auth: 'required', handler: getRatings },
  { method: 'POST', pattern: /^\/sync\/ratings\/remove$/, kind: '/sync/ratings/remove', auth: 'required', handler: removeRatings },
  { method: 'POST', pattern: /^\/sync\/ratings$/, kind: '/sync/ratings', auth: 'required', handler: addRatings },
];
