/**
 * An undo as a run of its own: it takes the sync lease (one run at a time across every
 * process), has a row in the run log (`undo_of` or `undo_event`), progress, a log and ledger
 * rows; then it brings the mirrors in step so the next sync neither re-reads Trakt blindly
 * nor sees the undo as something to mirror back.
 *
 * What an undo took back stays taken back: the plan keeps treating the undone plays and
 * marks as ours (src/sync/plan.ts), so the next scheduled sync does not write them again.
 */
import os from 'node:os';
import { getWebhookEvent } from '../db/repos/webhook-events.js';
import { keepRenewing, tryAcquireLease } from '../db/repos/locks.js';
import { getSetting, setSetting } from '../db/repos/settings.js';
import { createRun, getRun, markInterruptedRuns, updateRun } from '../db/repos/sync-runs.js';
import type { SyncRunRow, SyncRunStatus, SyncTrigger } from '../db/tables/sync.js';
import type { LedgerRow } from '../db/tables/ledger.js';
import type { SyncPlex, SyncPorts, SyncTrakt } from '../sync/ports.js';
import { scopeOfPlexKey } from '../sync/scope.js';
import { undoSides } from './undo-sides.js';
import { SyncBusyError, SYNC_LEASE, type RunnerDeps, type RunnerOptions, type StartedRun } from '../sync/run.js';
import { describeUndo, planUndo, runRefusal, undoWrites, type UndoPlan, type UndoTarget } from './select.js';
import { undoPlexMarks, undoPlexRatings, undoTraktPlays, undoTraktRatings, type UndoCounts } from './write-undo.js';

/** Why this cannot be undone, as a sentence (the API's 400). */
export class UndoRefusedError extends Error {}

/** The sentence "Undo will …" for a run's or an event's page, or why it cannot be undone. */
export async function previewUndo(deps: Pick<RunnerDeps, 'db'>, target: UndoTarget): Promise<{ plan?: UndoPlan; sentence: string; refusal?: string }> {
  const refusal = await refusalOf(deps, target);
  if (refusal) return { sentence: refusal, refusal };
  const plan = await planUndo(deps.db, target);
  const sentence = describeUndo(plan);
  return undoWrites(plan) ? { plan, sentence } : { plan, sentence, refusal: sentence };
}

async function refusalOf(deps: Pick<RunnerDeps, 'db'>, target: UndoTarget): Promise<string | undefined> {
  if (target.kind === 'run') return runRefusal(await getRun(deps.db, target.id), target.id);
  const event = await getWebhookEvent(deps.db, target.id);
  if (!event) return `There is no webhook event ${target.id}.`;
  return undefined;
}

export async function startUndoRun(deps: RunnerDeps, ports: SyncPorts, target: UndoTarget, trigger: SyncTrigger, opts: RunnerOptions = {}): Promise<StartedRun> {
  const preview = await previewUndo(deps, target);
  if (preview.refusal || !preview.plan) throw new UndoRefusedError(preview.refusal ?? preview.sentence);
  const lease = await tryAcquireLease(deps.db, SYNC_LEASE, `${os.hostname()}:${process.pid}:${Date.now()}`, opts.leaseTtlMs ?? 60_000);
  if (!lease) throw new SyncBusyError();
  let runId: number;
  try {
    await markInterruptedRuns(deps.db);
    // Read again under the lease: an undo that finished a moment ago has done part of it.
    const plan = await planUndo(deps.db, target);
    if (!undoWrites(plan)) throw new UndoRefusedError(describeUndo(plan));
    runId = await createRun(deps.db, trigger, false, false);
    await updateRun(deps.db, runId, {
      undo_of: target.kind === 'run' ? target.id : null,
      undo_event: target.kind === 'event' ? target.id : null,
      planned_writes: undoWrites(plan),
      plan: JSON.stringify({ undo: describeUndo(plan), counts: { plays: plan.plays.length, plexMarks: plan.plexMarks.length, ratings: plan.traktRatings.length + plan.plexRatings.length } }),
    });
    const stopper = { stopped: false, lost: false };
    const done = executeUndo(deps, ports, lease, runId, plan, opts, stopper);
    return { runId, done, stop: () => void (stopper.stopped = true) };
  } catch (err) {
    await lease.release();
    throw err;
  }
}

async function executeUndo(
  deps: RunnerDeps,
  ports: SyncPorts,
  lease: { renew(): Promise<boolean>; release(): Promise<void> },
  runId: number,
  plan: UndoPlan,
  opts: RunnerOptions,
  stopper: { stopped: boolean; lost: boolean },
): Promise<SyncRunRow> {
  const log = deps.log.child({ component: 'sync', runId });
  const startedAt = Date.now();
  const counts: UndoCounts & { trakt_gets: number; trakt_writes: number; plex_requests: number } = {
    planned_writes: undoWrites(plan), writes_done: 0, removed_from_trakt: 0, unwatched_in_plex: 0, ratings_to_trakt: 0, ratings_to_plex: 0, errors: 0, trakt_gets: 0, trakt_writes: 0, plex_requests: 0,
  };
  let lastFlush = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (force = false) => {
    if (!force && Date.now() - lastFlush < (opts.progressMs ?? 500)) return flushing;
    lastFlush = Date.now();
    flushing = flushing
      .then(async () => {
        await updateRun(deps.db, runId, { ...counts, phase: 'writing', heartbeat_at: Date.now() });
        const row = await getRun(deps.db, runId);
        if (row) opts.onProgress?.(row);
      })
      .catch(() => undefined);
    return flushing;
  };
  const stopHeartbeat = keepRenewing(
    lease,
    opts.heartbeatMs ?? 15_000,
    () => (stopper.lost = true),
    () => void flush(true),
  );

  let status: SyncRunStatus = 'succeeded';
  let error: string | null = null;
  try {
    log.info({ undoOf: plan.target }, `undo ${runId} started: ${describeUndo(plan)}`);
    // Each row through its own person's accounts (a run covers the household person by person).
    const sides = await undoSides(ports, [...plan.plays, ...plan.traktRatings], [...plan.plexMarks, ...plan.plexRatings]);
    if (typeof sides === 'string') throw new UndoRefusedError(sides);
    const countedTrakt = (trakt: SyncTrakt): SyncTrakt => ({
      accountId: trakt.accountId,
      get: async (p: string) => (counts.trakt_gets++, trakt.get(p)),
      post: async (p: string, b: unknown) => (counts.trakt_writes++, trakt.post(p, b)),
      probe: trakt.probe,
    });
    const countedPlex = (plex: SyncPlex): SyncPlex => ({
      ...plex,
      markUnwatched: async (k: string) => (counts.plex_requests++, plex.markUnwatched(k)),
      rate: async (k: string, r: number | null) => (counts.plex_requests++, plex.rate(k, r)),
      itemState: async (k: string) => (counts.plex_requests++, plex.itemState(k)),
    });
    const base = {
      db: deps.db, sqlite: deps.sqlite, log, runId, counts,
      batchSize: Math.min(250, Math.max(1, opts.batchSize ?? 250)), writeGapMs: opts.writeGapMs ?? 1000,
      shouldStop: () => stopper.stopped || stopper.lost, onProgress: () => void flush(),
    };
    const ofAccount = (rows: LedgerRow[], id: number) => rows.filter((r) => r.account_id === id);
    const ofScope = (rows: LedgerRow[], scope: string) => rows.filter((r) => r.plex_key && scopeOfPlexKey(r.plex_key) === scope);
    const anyTrakt = [...sides.trakt.values()][0];
    const unmarked: number[] = [];
    // Plays first (per Trakt account), then marks (per person's Plex token), then ratings: the order of a single-account undo.
    const removedByAccount = new Map<number, number[]>();
    for (const [id, trakt] of sides.trakt) {
      const { removedIds } = await undoTraktPlays({ ...base, trakt: countedTrakt(trakt), plex: null }, ofAccount(plan.plays, id));
      removedByAccount.set(id, removedIds);
    }
    for (const [scope, plex] of sides.plex) unmarked.push(...(await undoPlexMarks({ ...base, trakt: anyTrakt!, plex: countedPlex(plex) }, ofScope(plan.plexMarks, scope))));
    for (const [id, trakt] of sides.trakt) await undoTraktRatings({ ...base, trakt: countedTrakt(trakt), plex: null }, ofAccount(plan.traktRatings, id));
    for (const [scope, plex] of sides.plex) await undoPlexRatings({ ...base, trakt: anyTrakt!, plex: countedPlex(plex) }, ofScope(plan.plexRatings, scope));
    keepMirrorsInStep(deps, plan, removedByAccount, unmarked);
    for (const [id, removed] of removedByAccount) {
      if (removed.length === 0 && ofAccount(plan.traktRatings, id).length === 0) continue;
      // The next sync reads this account's Trakt lists again: they changed under it.
      const key = `sync.traktActivities.${id}`;
      const a = (await getSetting<Record<string, unknown>>(deps.db, key)) ?? {};
      await setSetting(deps.db, key, { ...a, 'movies.watched_at': null, 'episodes.watched_at': null, 'movies.rated_at': null, 'shows.rated_at': null, 'episodes.rated_at': null });
    }
    if (stopper.lost) throw new UndoRefusedError('This undo lost its lock to another process and stopped; undo the run again to finish it.');
    if (stopper.stopped) throw new UndoRefusedError('The service was shutting down, so this undo stopped early; undo the run again to finish it.');
    if (counts.errors > 0) {
      status = 'partial';
      error = `${counts.errors} item(s) could not be undone; undo the run again to retry them (what is done is not done twice).`;
    }
  } catch (err) {
    status = 'failed';
    error = err instanceof UndoRefusedError ? err.message : `The undo stopped: ${err instanceof Error ? err.message : String(err)}. Undo the run again to finish it (what is done is not done twice).`;
    log.error({ err: err instanceof Error ? err.message : String(err) }, error);
  } finally {
    stopHeartbeat();
    await flushing;
    const finishedAt = Date.now();
    await updateRun(deps.db, runId, { ...counts, phase: 'done', status, error, finished_at: finishedAt, heartbeat_at: finishedAt });
    await lease.release().catch(() => undefined);
    log.info({ status, ...counts, ms: finishedAt - startedAt }, `undo ${runId} finished: ${status}`);
  }
  const row = (await getRun(deps.db, runId))!;
  opts.onProgress?.(row);
  return row;
}

/**
 * The History mirror loses the removed plays; Plex's mirror the views taken back; and the
 * "Mirror un-watching" baseline forgets that these items were watched on the side the undo
 * changed, so the next run sees no un-watching to copy to the other side.
 */
function keepMirrorsInStep(deps: RunnerDeps, plan: UndoPlan, removedByAccount: Map<number, number[]>, unmarked: number[]): void {
  const { sqlite } = deps;
  sqlite.transaction(() => {
    for (const [accountId, removedIds] of removedByAccount) {
      if (!removedIds.length) continue;
      const del = sqlite.prepare('DELETE FROM trakt_history WHERE account_id = ? AND history_id = ?');
      for (const id of removedIds) del.run(accountId, id);
      const base = sqlite.prepare('UPDATE sync_watch_baseline SET trakt_watched = 0 WHERE account_id = ? AND item_key = ?');
      for (const r of plan.plays) if (r.account_id === accountId) base.run(accountId, r.item_key);
    }
    const marked = new Set(unmarked);
    const view = sqlite.prepare('UPDATE plex_items SET view_count = 0, last_viewed_at = NULL WHERE server_id = ? AND rating_key = ?');
    const base = sqlite.prepare('UPDATE sync_watch_baseline SET plex_watched = 0 WHERE server_id = ? AND item_key = ?');
    for (const r of plan.plexMarks) {
      if (!marked.has(r.id) || !r.plex_key) continue;
      const at = r.plex_key.indexOf(':');
      view.run(r.plex_key.slice(0, at), r.plex_key.slice(at + 1));
      base.run(r.plex_key.slice(0, at), r.item_key);
    }
  })();
}
