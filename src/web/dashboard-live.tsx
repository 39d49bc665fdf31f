/**
 * The dashboard's live regions on the bus topic `dashboard` (the page's one stream also takes
 * `runs` for the Sync card): "Now playing" when the now-playing service sees a change, and
 * "Needs you", "Landed on Trakt" and the Webhooks card's numbers when a webhook event changes, or on a slow tick (a run
 * held or failed). Nothing is rendered while no dashboard is open.
 */
import { AttentionBody } from '../../views/dashboard/attention.js';
import { NowPlayingBody } from '../../views/dashboard/now-playing.js';
import { RecentPlaysBody } from '../../views/dashboard/recent-plays.js';
import { WebhookStats } from '../../views/events/dashboard-card.js';
import { webhookCardView } from './events-summary.js';
import type { NowPlayingSnapshot } from '../now-playing/service.js';
import type { AppDeps } from './env.js';
import { attentionItems, nowPlayingView, recentPlaysView } from './dashboard-view.js';

export const DASHBOARD_TOPIC = 'dashboard';
const TICK_MS = 10_000;
const DEBOUNCE_MS = 250;

interface LiveState {
  lastHtml: string;
  timer: NodeJS.Timeout | null;
}

const states = new WeakMap<AppDeps, LiveState>();

async function publishRegions(deps: AppDeps): Promise<void> {
  const st = states.get(deps);
  if (!st || !deps.bus.hasSubscribers(DASHBOARD_TOPIC)) return;
  try {
    const html = [
      (<hx-partial hx-target="#needs-you" hx-swap="innerHTML"><AttentionBody items={await attentionItems(deps)} /></hx-partial>).toString(),
      (<hx-partial hx-target="#recent-plays-body" hx-swap="innerHTML"><RecentPlaysBody plays={await recentPlaysView(deps)} /></hx-partial>).toString(),
      (<hx-partial hx-target="#webhook-stats" hx-swap="innerHTML"><WebhookStats view={await webhookCardView(deps, '')} /></hx-partial>).toString(),
    ].join('');
    // The slow tick re-renders every 10 s: send only what changed, so pages do not flicker.
    if (html === st.lastHtml) return;
    st.lastHtml = html;
    deps.bus.publish(DASHBOARD_TOPIC, html);
  } catch (err) {
    deps.log.debug({ component: 'dashboard', err: String(err) }, 'live dashboard not published');
  }
}

/** A webhook event arrived or changed: refresh the regions shortly (one render for a burst), and look at Plex's sessions. */
export function dashboardEventChanged(deps: AppDeps): void {
  deps.nowPlaying.poke();
  const st = states.get(deps);
  if (!st || st.timer || !deps.bus.hasSubscribers(DASHBOARD_TOPIC)) return;
  st.timer = setTimeout(() => {
    st.timer = null;
    void publishRegions(deps);
  }, DEBOUNCE_MS);
  st.timer.unref();
}

/** Starts the dashboard's live regions for a running service; returns stop. */
export function startDashboardLive(deps: AppDeps): () => void {
  const st: LiveState = { lastHtml: '', timer: null };
  states.set(deps, st);
  const tick = setInterval(() => void publishRegions(deps), TICK_MS);
  tick.unref();
  return () => {
    clearInterval(tick);
    if (st.timer) clearTimeout(st.timer);
    states.delete(deps);
  };
}

/** Renders a change of what is playing (the bus's `now_playing.changed`) for open dashboards. */
export function publishNowPlaying(deps: AppDeps, snap: NowPlayingSnapshot): void {
  if (!deps.bus.hasSubscribers(DASHBOARD_TOPIC)) return;
  void nowPlayingView(deps, snap)
    .then((view) => deps.bus.publish(DASHBOARD_TOPIC, (<hx-partial hx-target="#now-playing-body" hx-swap="innerHTML"><NowPlayingBody view={view} /></hx-partial>).toString()))
    .catch((err: unknown) => deps.log.debug({ component: 'dashboard', err: String(err) }, 'now playing not published'));
}

/** A page just rendered these regions: the next live update only needs to differ from them. */
export function dashboardRendered(deps: AppDeps): void {
  const st = states.get(deps);
  if (st) st.lastHtml = '';
}
