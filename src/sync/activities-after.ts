import type { Logger } from '../log/logger.js';
import { pickActivities, serverTimeOf, traktCount, type Activities, type SettledMarks, type TraktMirrorResult } from './mirror-trakt.js';
import type { SyncTrakt } from './ports.js';
import type { RunnerOptions } from './run.js';
import type { Written } from './write-plan.js';
import type { TraktWriteResult } from './write-trakt.js';

/**
 * The activity times to keep for the next run. A run that wrote moves Trakt's own times: it reads
 * `last_activities` once after its writes (and first lets the history mirror take in its plays),
 * with the account's play and rating counts (SettledMarks), so that a next run with nothing
 * changed makes a GET or two instead of re-reading every list.
 * A list with a write whose outcome is still unknown keeps no time (the next run reads it);
 * lists the run did not write keep the times read before its writes, so a change made on
 * trakt.tv meanwhile still shows next time. (A change on trakt.tv to a list we wrote, between our
 * last write and this read, is found by the daily full walk.)
 */
export async function activitiesAfterRun(
  trakt: SyncTrakt,
  mirrored: TraktMirrorResult,
  written: Written,
  refreshHistory: RunnerOptions['refreshHistory'],
  log: Logger,
  previous: SettledMarks | undefined,
): Promise<{ activities: Activities; settled: SettledMarks }> {
  const before = mirrored.activities;
  const wrote = (r?: TraktWriteResult) => !!r && r.requests > 0;
  const unsettled = (r?: TraktWriteResult) => !!r && r.unanswered > 0;
  const plays = wrote(written.history) || wrote(written.remove);
  const ratings = wrote(written.ratings);
  // Nothing written and nothing re-read: the counts still hold, now as of this run's read.
  if (!plays && !ratings) {
    const unchanged = mirrored.fetched.length === 0 && previous;
    return { activities: before, settled: { at: mirrored.serverTime, plays: unchanged ? previous.plays : null, ratings: unchanged ? previous.ratings : null } };
  }
  if (plays && refreshHistory) await refreshHistory(trakt.accountId).catch(() => undefined);
  let after: Activities = {};
  const settled: SettledMarks = { at: Date.now(), plays: null, ratings: null };
  try {
    const la = await trakt.get('/sync/last_activities');
    if (la.status !== 200) throw new Error(`Trakt answered ${la.status}`);
    after = pickActivities(la.body);
    settled.at = serverTimeOf(la);
    settled.plays = await traktCount(trakt, 'plays');
    settled.ratings = await traktCount(trakt, 'ratings');
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'Trakt last_activities could not be read after the writes; the next run reads the lists this run wrote');
  }
  const out = { ...before };
  const take = (fields: string[], lost: boolean) => {
    for (const f of fields) out[f] = lost ? null : (after[f] ?? null);
  };
  if (plays) take(['movies.watched_at', 'episodes.watched_at'], unsettled(written.history) || unsettled(written.remove));
  if (ratings) take(['movies.rated_at', 'shows.rated_at', 'episodes.rated_at'], unsettled(written.ratings));
  return { activities: out, settled };
}

