/**
 * /sync/watched/{movies|shows} with the 2026 rules (API.md A.5): always paginated (100 per page,
 * `limit` clamped to 250), shows carry `seasons` only with `extended=progress` (and then at most
 * 100 per page). Also /sync/last_activities and /users/settings, the other account reads.
 */
import { toIso } from './clock.js';
import type { ShowStat } from './history.js';
import { movieJson, showJson } from './media.js';
import { MAX_LIMIT, paginate } from './pagination.js';
import { extended, json, type Ctx, type Route } from './route.js';

function showItem(ctx: Ctx, s: ShowStat, ext: Set<string>): Record<string, unknown> {
  const resetAt = ctx.user!.history.resetAt.get(s.show);
  const out: Record<string, unknown> = {
    plays: s.plays,
    last_watched_at: toIso(s.lastWatchedAt),
    last_updated_at: toIso(s.lastUpdatedAt),
    reset_at: resetAt === undefined ? null : toIso(resetAt),
    show: showJson(s.show, ext.has('full')),
  };
  if (!ext.has('progress')) return out;
  // Progress-style extras seen in 2026 clients' parsers (aired/completed); seasons hold watched episodes.
  out.aired = s.show.episodeCount;
  out.completed = s.episodes.size;
  const seasons = new Map<number, Array<Record<string, unknown>>>();
  const episodes = [...s.episodes].sort((a, b) => a[0].season - b[0].season || a[0].number - b[0].number);
  for (const [e, stat] of episodes) {
    let list = seasons.get(e.season);
    if (!list) seasons.set(e.season, (list = []));
    list.push({ number: e.number, plays: stat.plays, last_watched_at: toIso(stat.lastWatchedAt), completed: true });
  }
  out.seasons = [...seasons].map(([number, eps]) => ({ number, episodes: eps }));
  return out;
}

function watched(ctx: Ctx) {
  const type = ctx.params[0];
  const ext = extended(ctx);
  const history = ctx.user!.history;
  if (type === 'movies') {
    const page = paginate(history.watchedMovies(), ctx.req, { defaultLimit: 100, maxLimit: MAX_LIMIT });
    const body = page.items.map(([m, s]) => ({
      plays: s.plays,
      last_watched_at: toIso(s.lastWatchedAt),
      last_updated_at: toIso(s.lastUpdatedAt),
      movie: movieJson(m, ext.has('full')),
    }));
    return json(200, body, page.headers);
  }
  const max = ext.has('progress') ? 100 : MAX_LIMIT;
  const page = paginate(history.watchedShows(), ctx.req, { defaultLimit: 100, maxLimit: max });
  return json(200, page.items.map((s) => showItem(ctx, s, ext)), page.headers);
}

export const watchedRoutes: Route[] = [
  { method: 'GET', pattern: /^\/sync\/watched\/(movies|shows)$/, kind: '/sync/watched', auth: 'required', handler: watched },
  {
    method: 'GET',
    pattern: /^\/sync\/last_activities$/,
    kind: '/sync/last_activities',
    auth: 'required',
    handler: (ctx) => json(200, ctx.user!.activities.toJson()),
  },
  {
    method: 'GET',
    pattern: /^\/users\/settings$/,
    kind: '/users/settings',
    auth: 'required',
    handler: (ctx) => json(200, ctx.user!.settingsJson()),
  },
];
