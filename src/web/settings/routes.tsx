/** The Settings page and every settings form route. */
import { Hono } from 'hono';
import { SettingsPage } from '../../../views/pages/settings.js';
import type { AppEnv } from '../env.js';
import { renderSettingsPage } from './render.js';
import { secretSettingsRoutes } from './secrets.js';
import { tmdbSettingsRoutes } from './tmdb.js';
import { traktSettingsRoutes } from './trakt.js';
import { plexSettingsRoutes } from './plex.js';
import { backupSettingsRoutes } from './backups.js';
import { liveSettingsRoutes } from './live.js';
import { notifySettingsRoutes } from './notify.js';

export function settingsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/settings', async (c) => c.render(<SettingsPage sections={await renderSettingsPage(c)} />, { title: 'Settings', nav: 'settings' }));
  app.route('/', traktSettingsRoutes());
  app.route('/', plexSettingsRoutes());
  app.route('/', tmdbSettingsRoutes());
  app.route('/', secretSettingsRoutes());
  app.route('/', backupSettingsRoutes());
  app.route('/', liveSettingsRoutes());
  app.route('/', notifySettingsRoutes());
  return app;
}
