/**
 * The live parts of the dashboard, built from the database and the now-playing service:
 * "Needs you", "Now playing" and "Landed on Trakt". The page and its live updates use these.
 */
import { sql } from 'kysely';
import { countWebhookEvents } from '../db/repos/webhook-events.js';
import { listTraktAccounts } from '../db/repos/trakt-accounts.js';
import { lastRuns } from '../db/repos/sync-runs.js';
import { recentWebhookPlays } from '../ledger/recent-plays.js';
import { peopleWithTrakt, personOfAccount } from '../people/trakt-of.js';
import type { NowPlayingSnapshot } from '../now-playing/service.js';
import { answerInWords, tmdbOfAnswer } from '../scrobble/answer-words.js';
import type { PosterWanted } from '../tmdb/posters.js';
import { tmdbEnabled } from './history-read.js';
import type { AttentionItem } from '../../views/dashboard/attention.js';
import type { NowPlayingView } from '../../views/dashboard/now-playing.js';
import type { RecentPlayView } from '../../views/dashboard/recent-plays.js';
import type { AppDeps } from './env.js';
import { currentWebhookProblem } from './events-summary.js';

/** How long a page view waits for Plex before it renders "asking" and lets the live stream fill in. */
/** A page never waits on Plex for long: with no answer yet it shows "asking", and the live stream brings it. */
const PAGE_WAIT_MS = 400;
/** The service's own cache age (NowPlayingService maxAgeMs); a webhook makes the cache old at once. */
const NOW_PLAYING_FRESH_MS = 5_000;

export async function attentionItems(deps: AppDeps): Promise<AttentionItem[]> {
  const items: AttentionItem[] = [];
  const failed = await countWebhookEvents(deps.db, 'failed');
  if (failed) {
    items.push({
      key: 'failed_events',
      tone: 'error',
      text: `${failed} webhook event${failed === 1 ? '' : 's'} could not be sent to Trakt.`,
      href: '/events?status=failed',
      action: 'See why and retry',
    });
  }
  // A run the guard held (status written by the guard feature; none before it exists).
  const held = await sql<{ id: number }>`select id from sync_runs where status = 'awaiting_approval' order by id desc limit 1`.execute(deps.db);
  const heldId = held.rows[0]?.id;
  if (heldId !== undefined) {
    items.push({ key: 'held_run', tone: 'warning', text: `Sync run #${heldId} is waiting for your approval before it changes anything.`, href: `/runs/${heldId}`, action: 'Review the plan' });
  }
  for (const a of await listTraktAccounts(deps.db)) {
    if (a.status !== 'connected') {
      items.push({ key: 'trakt_login', tone: 'error', text: `Trakt stopped accepting the sign-in of ${a.username}; nothing is sent to that account until you sign in again.`, href: '/settings', action: 'Sign in to Trakt' });
    }
  }
  const problem = currentWebhookProblem(deps);
  if (problem) {
    items.push({ key: 'retrying', tone: 'warning', text: `${problem.waiting} event${problem.waiting === 1 ? ' is' : 's are'} waiting to be retried: ${problem.reason}`, href: '/events?status=pending', action: 'See the queue' });
  }
  const [last] = await lastRuns(deps.db, 1);
  if (last && last.status === 'failed') {
    items.push({ key: 'failed_run', tone: 'error', text: `The last sync failed: ${last.error ?? 'see its log'}`, href: `/runs/${last.id}`, action: 'Open the run' });
  }
  return items;
}

function posterOf(ids: { tmdb?: number | null } | null, type: 'movie' | 'episode'): PosterWanted | undefined {
  return ids?.tmdb ? { media: type === 'movie' ? 'movie' : 'tv', tmdbId: ids.tmdb } : undefined;
}

export async function nowPlayingView(deps: AppDeps, snap: NowPlayingSnapshot | null): Promise<NowPlayingView> {
  if (!snap) return { kind: 'unknown', items: [] };
  if (snap.kind === 'no_server') return { kind: 'no_server', items: [] };
  const posters = await deps.posters.states(snap.items.map((i) => posterOf(i.posterIds, i.type)), await tmdbEnabled(deps));
  const items = snap.items.map((i, n) => ({ ...i, poster: posters[n]! }));
  return snap.kind === 'error' ? { kind: 'error', items, message: snap.message } : { kind: 'ok', items };
}

/**
 * For a page view: a recent answer at once; an old one (or none) is asked again, waiting a
 * moment at most (the page's live stream brings an answer that comes later), so a slow Plex
 * never holds the page up.
 */
export async function nowPlayingForPage(deps: AppDeps): Promise<NowPlayingView> {
  const np = deps.nowPlaying;
  const last = np.peek();
  if (last && Date.now() - last.checkedAt < NOW_PLAYING_FRESH_MS) return nowPlayingView(deps, last);
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), PAGE_WAIT_MS).unref());
  const snap = await Promise.race([np.current().catch(() => null), timeout]);
  return nowPlayingView(deps, snap ?? np.peek());
}

/** A movie's own TMDB id from the request body sent to Trakt, when the answer named none. */
function tmdbOfRequest(request: string | null): PosterWanted | undefined {
  try {
    const body = JSON.parse(request ?? 'null') as { movie?: { ids?: { tmdb?: unknown } }; movies?: Array<{ ids?: { tmdb?: unknown } }> } | null;
    const id = body?.movie?.ids?.tmdb ?? body?.movies?.[0]?.ids?.tmdb;
    return typeof id === 'number' ? { media: 'movie', tmdbId: id } : undefined;
  } catch {
    return undefined;
  }
}

export async function recentPlaysView(deps: AppDeps, limit = 6): Promise<RecentPlayView[]> {
  const rows = await recentWebhookPlays(deps.db, limit);
  const wanted = rows.map((r) => tmdbOfAnswer(r.answer) ?? tmdbOfRequest(r.request));
  const posters = await deps.posters.states(wanted, await tmdbEnabled(deps));
  // In a household, whose Trakt account each play landed on (one account: it goes without saying).
  const people = rows.length ? await peopleWithTrakt(deps.db) : [];
  const whose = (id: number | null) => {
    const p = people.length > 1 && id !== null ? personOfAccount(people, id) : undefined;
    return p ? { name: p.name, traktUsername: p.traktUsername } : undefined;
  };
  return rows.map((r, i) => ({
    eventId: r.eventId,
    title: r.title ?? 'Untitled',
    receivedAt: r.receivedAt,
    latencyMs: r.answeredAt - r.receivedAt,
    account: r.account,
    player: r.player,
    to: whose(r.traktAccountId),
    words: answerInWords(r.answer),
    poster: posters[i]!,
  }));
}
