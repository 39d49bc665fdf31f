/**
 * The dashboard: what needs the user first, then what is playing and what reached Trakt,
 * the last run, and the connections. Live over one stream (topics `runs` and `dashboard`).
 */
import { Card, PageHeader } from '../components.js';
import { Attention, type AttentionItem } from '../dashboard/attention.js';
import { NowPlayingCard, type NowPlayingView } from '../dashboard/now-playing.js';
import { RecentPlaysCard, type RecentPlayView } from '../dashboard/recent-plays.js';
import { WebhookCard, type WebhookCardView } from '../events/dashboard-card.js';
import { SyncCard, type SyncCardView } from '../runs/sync-card.js';
import type { TraktCardState } from '../../src/trakt/status.js';
import type { LiveLine } from '../../src/plex-live/status.js';
import { PlexLiveLine } from '../live/plex-live-line.js';

export interface DashboardView {
  plexConnected: boolean;
  /** The connected server's name (or URL). */
  plexServer?: string | null;
  trakt: TraktCardState;
  webhookUrl: string;
  webhooks: WebhookCardView;
  sync: SyncCardView;
  /** The live listener's line (listening, reconnecting, off). */
  live: LiveLine;
  attention: AttentionItem[];
  nowPlaying: NowPlayingView;
  recentPlays: RecentPlayView[];
}

export function DashboardPage(props: { view: DashboardView }) {
  const v = props.view;
  return (
    <>
      <PageHeader title="Dashboard" subtitle="Plex and Trakt, kept in step." />
      <Attention items={v.attention} />
      <div class="mb-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <NowPlayingCard view={v.nowPlaying} />
        <RecentPlaysCard plays={v.recentPlays} />
      </div>
      <div class="mb-4 grid grid-cols-1 gap-4 md:grid-cols-2">
        <SyncCard view={v.sync} />
        <WebhookCard view={v.webhooks} />
      </div>
      <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
        <Card title="Plex" id="card-plex">
          <p class="text-lg font-medium" id="plex-card-status" data-state={v.plexConnected ? 'connected' : 'not_connected'}>
            {v.plexConnected ? (v.plexServer ? `Connected to ${v.plexServer}` : 'Connected') : 'Not connected'}
          </p>
          {!v.plexConnected && (
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
              Sign in with Plex and pick your server in <a class="underline" href="/settings">Settings</a>.
            </p>
          )}
          <PlexLiveLine line={v.live} />
        </Card>
        <Card title="Trakt" id="card-trakt">
          <p class="text-lg font-medium" data-state={v.trakt.state}>
            {v.trakt.state === 'connected' ? `Connected as ${v.trakt.username}` : v.trakt.state === 'needs_login' ? 'Needs login' : 'Not connected'}
          </p>
          {v.trakt.state === 'needs_login' && (
            <p class="mt-1 text-sm text-amber-700 dark:text-amber-300">
              {`Trakt stopped accepting the sign-in of ${v.trakt.username}. Sign in again in `}
              <a class="underline" href="/settings">Settings</a>; nothing was deleted.
            </p>
          )}
          {v.trakt.state === 'not_connected' && (
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
              Enter your Trakt app's client id and secret, then connect, in <a class="underline" href="/settings">Settings</a>.
            </p>
          )}
        </Card>
      </div>
      <div hx-sse:connect="/live?topics=runs,dashboard" hx-swap="none" class="hidden"></div>
    </>
  );
}
