/** Dashboard pages whose features are not built yet; each feature replaces its page with a sub-app of its own. */
import { Hono } from 'hono';
import type { AppEnv } from './env.js';
import { publicOrigin } from './middleware/request-info.js';
import { DashboardPage } from '../../views/pages/dashboard.js';
import { syncCardView } from './sync-card.js';
import { webhookCardView } from './events-summary.js';
import { traktCardState } from '../trakt/status.js';
import { plexCardState } from '../plex-connection/status.js';
import { plexLiveLine } from './plex-live.js';
import { attentionItems, nowPlayingForPage, recentPlaysView } from './dashboard-view.js';
import { dashboardRendered } from './dashboard-live.js';

export function webhookUrl(origin: string, secret: string): string {
  return `${origin}/webhooks/plex/${secret}`;
}

export function pageRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const url = webhookUrl(publicOrigin(c), c.var.deps.secrets.webhookSecret());
    const view = {
      ...(await plexCardState(c.var.deps.plex)),
      trakt: await traktCardState(c.var.deps.db),
      webhookUrl: url,
      webhooks: await webhookCardView(c.var.deps, url),
      sync: await syncCardView(c.var.deps),
      live: plexLiveLine(c.var.deps),
      attention: await attentionItems(c.var.deps),
      nowPlaying: await nowPlayingForPage(c.var.deps),
      recentPlays: await recentPlaysView(c.var.deps),
    };
    dashboardRendered(c.var.deps);
    return c.render(<DashboardPage view={view} />, { title: 'Dashboard', nav: 'dashboard' });
  });
  return app;
}
