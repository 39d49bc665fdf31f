/**
 * /scrobble/start|pause|stop and /sync/playback (API.md A.4, A.5). Stop at 80% or more writes a
 * real history play; below 80 it is a pause; below 1% it is refused (422). A second stop of the
 * same item inside the window answers 409 with `watched_at` and `expires_at`.
 */
import type { CatEpisode, CatMovie } from './catalogue.js';
import { toIso, truncateToSecond } from './clock.js';
import { itemJson } from './media.js';
import { MAX_LIMIT, paginate, wantsPage } from './pagination.js';
import { accountLimit } from './routes-history.js';
import { isObj, isResponse, json, timeRange, type Ctx, type Obj, type Route } from './route.js';
import type { Playback, TraktUser } from './user.js';

const SHARING = { twitter: false, mastodon: false, tumblr: false };

function scrobbledItem(ctx: Ctx, body: Obj): CatMovie | CatEpisode | undefined | null {
  const cat = ctx.world.catalogue;
  const movie = isObj(body.movie) ? body.movie : undefined;
  const episode = isObj(body.episode) ? body.episode : undefined;
  const show = isObj(body.show) ? body.show : undefined;
  if (movie) return cat.findMovie(movie.ids as Obj, movie.title, movie.year);
  if (episode && show) {
    const s = cat.findShow(show.ids as Obj, show.title, show.year);
    return s && cat.episodeAt(s, episode.season, episode.number);
  }
  if (episode) return cat.findEpisode(episode.ids as Obj);
  return null; // no item at all
}

function savePlayback(ctx: Ctx, user: TraktUser, item: CatMovie | CatEpisode, progress: number, now: number) {
  const existing = user.playback.get(item);
  user.playback.set(item, { id: existing?.id ?? ctx.world.nextPlaybackId(), item, progress, pausedAt: truncateToSecond(now) });
  user.activities.touch(item.kind === 'movie' ? 'movies' : 'episodes', 'paused_at', now);
}

function scrobble(action: 'start' | 'pause' | 'stop') {
  return (ctx: Ctx) => {
    const limited = accountLimit(ctx);
    if (limited) return limited;
    const body = isObj(ctx.req.json) ? ctx.req.json : {};
    const item = scrobbledItem(ctx, body);
    if (item === null) return json(400, { error: 'movie or episode required' });
    if (!item) return json(404, { error: 'not found' });
    const progress = Number(body.progress);
    if (!Number.isFinite(progress) || progress < 0 || progress > 100) return json(422, { error: 'progress must be 0-100' });
    if (action === 'stop' && progress < 1) return json(422, { error: 'progress below 1%: scrobble ignored' });

    const user = ctx.user!;
    const now = ctx.world.now();
    const kind = item.kind === 'movie' ? 'movies' : 'episodes';
    const answer = (id: number, act: string) => json(201, { id, action: act, progress, sharing: SHARING, ...itemJson(item) });

    if (action === 'start') {
      if (user.playback.delete(item)) user.activities.touch(kind, 'paused_at', now);
      user.watching = { item, progress, startedAt: now };
      return answer(0, 'start');
    }
    if (action === 'pause' || progress < 80) {
      savePlayback(ctx, user, item, progress, now);
      user.watching = null;
      return answer(0, 'pause');
    }
    const last = user.scrobbled.get(item);
    if (last && last.expiresAt > now) {
      return json(409, { watched_at: toIso(last.watchedAt), expires_at: toIso(last.expiresAt) });
    }
    const play = user.history.add(item, truncateToSecond(now), 'scrobble', now);
    user.scrobbled.set(item, { watchedAt: play.watchedAt, expiresAt: play.watchedAt + ctx.world.scrobbleWindowSec * 1000 });
    user.playback.delete(item);
    user.watching = null;
    user.activities.touch(kind, 'watched_at', now);
    return answer(play.id, 'scrobble');
  };
}

function playbackJson(p: Playback): Record<string, unknown> {
  return { progress: p.progress, paused_at: toIso(p.pausedAt), id: p.id, type: p.item.kind, ...itemJson(p.item) };
}

function getPlayback(ctx: Ctx) {
  const type = ctx.params[0];
  const range = timeRange(ctx);
  if (isResponse(range)) return range;
  const all = [...ctx.user!.playback.values()]
    .filter((p) => !type || (type === 'movies') === (p.item.kind === 'movie'))
    .filter((p) => (range.start === undefined || p.pausedAt >= range.start) && (range.end === undefined || p.pausedAt <= range.end))
    .sort((a, b) => b.pausedAt - a.pausedAt || b.id - a.id);
  if (!wantsPage(ctx.req)) return json(200, all.map(playbackJson));
  const page = paginate(all, ctx.req, { defaultLimit: 100, maxLimit: MAX_LIMIT });
  return json(200, page.items.map(playbackJson), page.headers);
}

function deletePlayback(ctx: Ctx) {
  const user = ctx.user!;
  const p = user.findPlayback(Number(ctx.params[0]));
  if (!p) return json(404, { error: 'not found' });
  user.playback.delete(p.item);
  user.activities.touch(p.item.kind === 'movie' ? 'movies' : 'episodes', 'paused_at', ctx.world.now());
  return { status: 204 };
}

export const scrobbleRoutes: Route[] = [
  ...(['start', 'pause', 'stop'] as const).map(
    (a): Route => ({ method: 'POST', pattern: new RegExp(`^/scrobble/${a}$`), kind: `/scrobble/${a}`, auth: 'required', handler: scrobble(a) }),
  ),
  { method: 'GET', pattern: /^\/sync\/playback(?:\/(movies|episodes))?\/?$/, kind: '/sync/playback', auth: 'required', handler: getPlayback },
  { method: 'DELETE', pattern: /^\/sync\/playback\/(\d+)$/, kind: '/sync/playback/:id', auth: 'required', handler: deletePlayback },
];
