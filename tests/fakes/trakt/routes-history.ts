/**
 * /sync/history: read (newest first, paginated, start_at/end_at on watched_at), add (no
 * de-duplication, like the real one) and remove (by item or by history id). API.md A.5.
 */
import type { CatEpisode, CatMovie } from './catalogue.js';
import { parseTime, truncateToSecond, toIso } from './clock.js';
import { inRange, type HistoryFilter, type Play } from './history.js';
import { itemJson } from './media.js';
import { MAX_LIMIT, paginate } from './pagination.js';
import { playTargets, walk } from './resolve.js';
import { extended, isObj, isResponse, json, timeRange, type Ctx, type Route } from './route.js';

export function playJson(p: Play, full = false): Record<string, unknown> {
  return { id: p.id, watched_at: toIso(p.watchedAt), action: p.action, type: p.item.kind, ...itemJson(p.item, full) };
}

/** `watched_at` of a new play: a datetime, "released", "unknown", or absent (now). */
export function playTime(value: unknown, item: CatMovie | CatEpisode, now: number): number | undefined {
  if (value === undefined || value === null) return truncateToSecond(now);
  if (value === 'released') {
    const released = item.kind === 'movie' ? Date.parse(`${item.released}T00:00:00Z`) : item.firstAired;
    return truncateToSecond(released + item.runtime * 60_000);
  }
  if (value === 'unknown') return 0; // shown by Trakt as "unknown date"; the epoch here (unconfirmed)
  const t = parseTime(value);
  return t === undefined ? undefined : truncateToSecond(t);
}

function filterOf(ctx: Ctx): HistoryFilter | undefined {
  const [type, id] = [ctx.params[0], ctx.params[1]];
  if (!type) return {};
  if (!['movies', 'shows', 'seasons', 'episodes'].includes(type)) return undefined;
  if (id === undefined) return { type: type as 'movies' };
  const cat = ctx.world.catalogue;
  const ids = /^\d+$/.test(id) ? { trakt: id } : { slug: id };
  const item =
    type === 'movies' ? cat.findMovie(ids) : type === 'shows' ? cat.findShow(ids) : type === 'seasons' ? cat.findSeason(ids) : cat.findEpisode(ids);
  // An unknown id matches no play (an empty page), not every play.
  return { type: type as 'movies', item: item ?? { kind: 'movie', trakt: -1 } as CatMovie };
}

function getHistory(ctx: Ctx) {
  const filter = filterOf(ctx);
  if (!filter) return json(404, { error: 'unknown history type' });
  const range = timeRange(ctx);
  if (isResponse(range)) return range;
  const all = inRange(ctx.user!.history.view(filter), range.start, range.end);
  const page = paginate(all, ctx.req, { defaultLimit: 100, maxLimit: MAX_LIMIT });
  const full = extended(ctx).has('full');
  return json(200, page.items.map((p) => playJson(p, full)), page.headers);
}

/** 420 when the account is over its limit (a test switch), with the documented headers. */
export function accountLimit(ctx: Ctx) {
  const u = ctx.user!;
  if (u.accountLimit === null) return undefined;
  return json(420, { error: 'account limit exceeded' }, {
    'x-upgrade-url': 'https://trakt.tv/vip',
    'x-vip-user': String(u.vip),
    'x-account-limit': String(u.accountLimit),
  });
}

function addHistory(ctx: Ctx) {
  const limited = accountLimit(ctx);
  if (limited) return limited;
  const body = isObj(ctx.req.json) ? ctx.req.json : {};
  const { world, user } = { world: ctx.world, user: ctx.user! };
  const now = world.now();
  const { nodes, notFound } = walk(world.catalogue, body);
  const targets = playTargets(world.catalogue, nodes).map((t) => ({ ...t, at: playTime(t.watchedAt, t.item, now) }));
  const bad = targets.find((t) => t.at === undefined);
  if (bad) return json(422, { error: `invalid watched_at ${JSON.stringify(bad.watchedAt)}` });
  const added = { movies: 0, episodes: 0 };
  for (const t of targets) {
    user.history.add(t.item, t.at!, 'watch', now);
    added[t.item.kind === 'movie' ? 'movies' : 'episodes'] += 1;
  }
  if (added.movies) user.activities.touch('movies', 'watched_at', now);
  if (added.episodes) user.activities.touch('episodes', 'watched_at', now);
  return json(201, {
    added,
    updated: { movies: 0, episodes: 0 },
    not_found: { ...notFound, people: [], users: [] },
  });
}

function removeHistory(ctx: Ctx) {
  const body = isObj(ctx.req.json) ? ctx.req.json : {};
  const { world, user } = { world: ctx.world, user: ctx.user! };
  const now = world.now();
  const { nodes, notFound } = walk(world.catalogue, body);
  const deleted = { movies: 0, episodes: 0 };
  const drop = (p: Play) => {
    user.history.remove(p, now);
    deleted[p.item.kind === 'movie' ? 'movies' : 'episodes'] += 1;
  };
  for (const t of playTargets(world.catalogue, nodes)) for (const p of user.history.playsOf(t.item)) drop(p);
  const missingIds: unknown[] = [];
  for (const id of Array.isArray(body.ids) ? body.ids : []) {
    const p = user.history.get(Number(id));
    if (p) drop(p);
    else missingIds.push(id);
  }
  if (deleted.movies) user.activities.touch('movies', 'watched_at', now);
  if (deleted.episodes) user.activities.touch('episodes', 'watched_at', now);
  return json(200, { deleted, not_found: { ...notFound, ids: missingIds } });
}

export const historyRoutes: Route[] = [
  { method: 'GET', pattern: /^\/sync\/history(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/, kind: '/sync/history', auth: 'required', handler: getHistory },
  { method: 'POST', pattern: /^\/sync\/history\/remove$/, kind: '/sync/history/remove', auth: 'required', handler: removeHistory },
  { method: 'POST', pattern: /^\/sync\/history$/, kind: '/sync/history', auth: 'required', handler: addHistory },
];
