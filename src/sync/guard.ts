/**
 * The guard: a run that looks wrong waits for the user before it writes anything. It holds
 * a run whose plan removes more than `removals` plays or marks (0 holds every removal),
 * whose adds or marks on one side exceed `changes` (when set), or that sees one side's
 * watched count fall by more than 10 % (and at least 20 items) since the last run that
 * wrote: a library rebuilt, a wrong server, an expired share.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import type { SyncRunRow } from '../db/tables/sync.js';
import type { Plan } from './plan.js';

export interface GuardLimits {
  removals: number;
  changes?: number;
}

export interface WatchedCounts {
  plex: number;
  trakt: number;
}

const FALL_SHARE = 0.1;
const FALL_MIN = 20;

/** Distinct items watched in this server's mirror, and items in the Trakt account's watched list. */
export function watchedCounts(sqlite: BetterSqlite3.Database, accountId: number, serverId: string): WatchedCounts {
  const plex = sqlite.prepare(`SELECT COUNT(DISTINCT item_key) AS n FROM plex_items WHERE server_id = ? AND item_key IS NOT NULL AND view_count > 0 AND type <> 'show'`).get(serverId) as { n: number };
  const trakt = sqlite.prepare(`SELECT COUNT(*) AS n FROM trakt_watched WHERE account_id = ?`).get(accountId) as { n: number };
  return { plex: plex.n, trakt: trakt.n };
}

/** The counts the last run that wrote (not a dry run, not held) saw. */
export async function lastWrittenCounts(db: Db, exceptRunId: number): Promise<WatchedCounts | undefined> {
  const row = await db
    .selectFrom('sync_runs')
    .select(['plex_watched', 'trakt_watched'])
    .where('dry_run', '=', 0)
    .where('status', 'in', ['succeeded', 'partial'])
    .where('undo_of', 'is', null)
    .where('undo_event', 'is', null)
    .where('plex_watched', 'is not', null)
    .where('id', '!=', exceptRunId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || row.plex_watched === null || row.trakt_watched === null) return undefined;
  return { plex: row.plex_watched, trakt: row.trakt_watched };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Why the guard holds this plan (sentences); empty when it may go ahead. */
export function guardReasons(plan: Pick<Plan, 'counts'>, now: WatchedCounts, before: WatchedCounts | undefined, limits: GuardLimits): string[] {
  const reasons: string[] = [];
  // Counted in SQL (plan-store.ts planCounts): the plan itself stays in its table.
  const n = plan.counts;
  const removals = n.fromTrakt + n.unwatchInPlex;
  if (removals > limits.removals) {
    reasons.push(
      `The plan removes ${plural(n.fromTrakt, 'play')} from Trakt and marks ${plural(n.unwatchInPlex, 'item')} unwatched in Plex: more than the ${limits.removals} removals SYNC_GUARD_REMOVALS allows without approval.`,
    );
  }
  if (limits.changes !== undefined) {
    if (n.toTrakt > limits.changes) reasons.push(`The plan adds ${plural(n.toTrakt, 'play')} to Trakt: more than the ${limits.changes} SYNC_GUARD_CHANGES allows without approval.`);
    if (n.toPlex > limits.changes) reasons.push(`The plan marks ${plural(n.toPlex, 'item')} watched in Plex: more than the ${limits.changes} SYNC_GUARD_CHANGES allows without approval.`);
  }
  if (before) {
    for (const [side, was, is] of [['Plex', before.plex, now.plex], ['Trakt', before.trakt, now.trakt]] as const) {
      const fall = was - is;
      if (fall >= FALL_MIN && fall > was * FALL_SHARE) {
        reasons.push(`${side} shows ${is} watched items, ${fall} fewer than the ${was} of the last run: a library rebuilt, a different server or an expired share looks like this. Check ${side} before approving.`);
      }
    }
  }
  return reasons;
}

/** The reasons a held run carries (its `guard` JSON). */
export function guardReasonsOf(run: Pick<SyncRunRow, 'guard'>): string[] {
  try {
    const g = run.guard ? (JSON.parse(run.guard) as { reasons?: unknown }) : {};
    return Array.isArray(g.reasons) ? g.reasons.map(String) : [];
  } catch {
    return [];
  }
}
