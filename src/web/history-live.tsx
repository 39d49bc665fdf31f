/**
 * Live regions of the History page: the status line while a refresh runs, and after one that
 * changed something: new plays at the top of the lists they belong in, the total and the
 * monthly picture. Each account has its own topic (`history:<accountId>`) and a page listens
 * to its person's only, so one person's new play never reaches another person's page.
 */
import { countPlays, playsNewerThan } from '../db/repos/history-plays.js';
import type { HistoryRow } from '../db/tables/history.js';
import type { AppDeps } from './env.js';
import { PlaysChart } from '../../views/history/chart.js';
import { PlayRows } from '../../views/history/play-row.js';
import { HistoryStatus, HistoryTotal } from '../../views/history/status.js';
import { HistoryResults } from '../../views/pages/history.js';
import { chartView, historyTopic, playViews, resultsView, statusView } from './history-read.js';
import { peopleWithTrakt, personOfAccount } from '../people/trakt-of.js';

const LIVE_ROWS = 50;

/** The person whose (linked) account this is: a page shows only those. */
async function pagePerson(deps: AppDeps, accountId: number) {
  const person = personOfAccount(await peopleWithTrakt(deps.db), accountId);
  return person && { person, account: { id: accountId, username: person.traktUsername } };
}

export function publishHistoryProgress(deps: AppDeps, accountId: number): void {
  const topic = historyTopic(accountId);
  if (!deps.bus.hasSubscribers(topic)) return;
  void (async () => {
    const shown = await pagePerson(deps, accountId);
    if (!shown) return;
    // The refresh form names the person: this line replaces the one on any page showing this account.
    const status = await statusView(deps, shown.account, shown.person, shown.person.plexAccountId);
    // The button is a form: it needs no token here, htmx adds the header; a plain submit reloads the page first.
    const html = (
      <hx-partial hx-target="#history-status" hx-swap="outerHTML">
        <HistoryStatus view={status} csrf="" />
      </hx-partial>
    );
    deps.bus.publish(topic, html.toString());
  })().catch((err) => deps.log.debug({ component: 'history', err: String(err) }, 'history progress not published'));
}

/** After a refresh that changed the mirror: plays newer than `before` go to the top. */
export function publishHistoryChange(deps: AppDeps, accountId: number, before: HistoryRow | undefined): void {
  const topic = historyTopic(accountId);
  if (!deps.bus.hasSubscribers(topic)) return;
  void (async () => {
    const shown = await pagePerson(deps, accountId);
    if (!shown) return;
    const person = shown.person.plexAccountId;
    const parts: string[] = [];
    if (!before) {
      // The mirror was empty: an unfiltered page gets its first page of plays in place of "no plays yet".
      parts.push(
        (
          <hx-partial hx-target="#history-results:has(#history-list[data-live=all])" hx-swap="outerHTML">
            <HistoryResults view={await resultsView(deps, accountId, { person })} total={countPlays(deps.sqlite, accountId)} />
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
    deps.bus.publish(topic, parts.join(''));
  })().catch((err) => deps.log.debug({ component: 'history', err: String(err) }, 'new plays not published'));
}
