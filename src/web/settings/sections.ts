/**
 * The settings page's sections, in page order. A feature adds its section with one line
 * (e.g. Plex: `{ id: 'plex', render: renderPlexSection }` after Trakt) and mounts its own
 * form routes; `id` is also the key answerSection() uses to replace that section.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../env.js';
import { renderApiKeySection, renderWebhookSection } from './secrets.js';
import { renderTmdbSection } from './tmdb.js';
import { renderTraktSection } from './trakt.js';
import { renderPlexSection } from './plex.js';
import { renderSyncSection } from '../runs-settings.js';
import { renderWebhookAccountsSection } from '../events-accounts.js';
import { renderBackupsSection } from './backups.js';
import { renderLiveSection } from './live.js';
import { renderNotifySection } from './notify.js';

export interface SettingsSection {
  id: string;
  render(c: Context<AppEnv>): Promise<Child> | Child;
}

export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'trakt', render: (c) => renderTraktSection(c) },
  { id: 'plex', render: (c) => renderPlexSection(c) },
  { id: 'tmdb', render: (c) => renderTmdbSection(c) },
  { id: 'sync', render: (c) => renderSyncSection(c) },
  { id: 'webhook', render: (c) => renderWebhookSection(c) },
  { id: 'live', render: (c) => renderLiveSection(c) },
  { id: 'webhook-accounts', render: (c) => renderWebhookAccountsSection(c) },
  { id: 'notifications', render: (c) => renderNotifySection(c) },
  { id: 'api-key', render: (c) => renderApiKeySection(c) },
  { id: 'backups', render: (c) => renderBackupsSection(c) },
];
