/**
 * Live regions of the History page (bus topic `history`): the status line while a refresh
 * runs, and after one that changed something: new plays at the top of the lists they
 * belong in, the total and the monthly picture. Only the account the page shows is published.
 */
import { countPlays, playsNewerThan } from '../db/repos/history-plays.js';
import type { HistoryRow } from '../db/tables/history.js';
import type { AppDeps } from './env.js';
import { PlaysChart } from '../../views/history/chart.js';
import { PlayRows } from '../../views/history/play-row.js';
import { HistoryStatus, HistoryTotal } from '../../views/history/status.js';
import { HistoryResults } from '../../views/pages/history.js';
import { chartView, historyAccount, playViews, resultsView, statusView } from './history-read.js';

export const HISTORY_TOPIC = 'history';
const LIVE_ROWS = 50;

async function pageAccount(deps: AppDeps, accountId: number) {
  const account = await historyAccount(deps);
  return account?.id === accountId ? account : undefined;
}

export function publishHistoryProgress(deps: AppDeps, accountId: number): void {
  if (!deps.bus.hasSubscribers(HISTORY_TOPIC)) return;
  void (async () => {
    const account = await pageAccount(deps, accountId);
    if (!account) return;
    const status = await statusView(deps, account);
    // The button is a form: it needs no token here, htmx adds the header; a plain submit reloads the page first.
    const html = (
      <hx-partial hx-target="#history-status" hx-swap="outerHTML">
        <HistoryStatus view={status} csrf="" />
      </hx-partial>
    );
    deps.bus.publish(HISTORY_TOPIC, html.toString());
  })().catch((err) => deps.log.debug({ component: 'history', err: String(err) }, 'history progress not published'));
}

/** After a refresh that changed the mirror: plays newer than `before` go to the top. */
export function publishHistoryChange(deps: AppDeps, accountId: number, before: HistoryRow | undefined): void {
  if (!deps.bus.hasSubscribers(HISTORY_TOPIC)) return;
  void (async () => {
    const account = await pageAccount(deps, accountId);
    if (!account) return;
    const parts: string[] = [];
    if (!before) {
      // The mirror was empty: an unfiltered page gets its first page of plays in place of "no plays yet".
      parts.push(
        (
          <hx-partial hx-target="#history-results:has(#history-list[data-live=all])" hx-swap="outerHTML">
            <HistoryResults view={await resultsView(deps, accountId, {})} total={countPlays(deps.sqlite, accountId)} />
          </hx-partial>
        ).toString(),
      );
    }
    const fresh = before ? playsNewerThan(deps.sqlite, accountId, { watchedAt: before.watched_at, historyId: before.history_id }, LIVE_ROWS) : [];
    const views = await playViews(deps, accountId, fresh);
    const lists: Array<[string, typeof views]> = [
      ['all', views],
      ['movie', views.filter((v) => v.row.type === 'movie')],
      ['episode', views.filter((v) => v.row.type === 'episode')],
    ];
    for (const [live, plays] of lists) {
      if (!plays.length) continue;
      parts.push(
        (
          <hx-partial hx-target={`#history-list[data-live=${live}]`} hx-swap="afterbegin">
            <PlayRows plays={plays} />
          </hx-partial>
        ).toString(),
      );
    }
    parts.push(
      (
        <hx-partial hx-target="#history-total" hx-swap="outerHTML">
          <HistoryTotal total={countPlays(deps.sqlite, accountId)} />
        </hx-partial>
      ).toString(),
      (
        <hx-partial hx-target="#history-chart" hx-swap="outerHTML">
          <PlaysChart buckets={chartView(deps, accountId)} />
        </hx-partial>
      ).toString(),
    );
    deps.bus.publish(HISTORY_TOPIC, parts.join(''));
  })().catch((err) => deps.log.debug({ component: 'history', err: String(err) }, 'new plays not published'));
}
