/**
 * Ledger repository: record intents before a request, settle them after, and answer
 * the questions the exactly-once rules ask ("was this play already sent?").
 * Batches are written in one transaction each, so a 250-item request costs two writes.
 */
import crypto from 'node:crypto';
import type { Db } from '../db/database.js';
import type { LedgerAction, LedgerRow, LedgerSource, LedgerTarget, MediaType } from '../db/tables/ledger.js';

export interface LedgerIntent {
  target: LedgerTarget;
  accountId: number;
  action: LedgerAction;
  mediaType: MediaType;
  itemKey: string;
  plexKey?: string | null;
  title?: string | null;
  watchedAt?: number | null;
  rating?: number | null;
  progress?: number | null;
  source: LedgerSource;
  sourceId?: number | null;
  /** The item body sent to Trakt or the Plex call, stored as JSON. */
  request?: unknown;
  /** A rating write: the value it replaces (0 when there was none; left out: not known). */
  previousRating?: number | null;
  /** An undo's row: the ledger row it undoes. */
  undoes?: number | null;
  /** A removal by history id: the Trakt play it removes. */
  traktHistoryId?: number | null;
}

/** Actions that put a play on Trakt. A scrobble.stop only makes a play when Trakt answered `scrobble`. */
const PLAY_ACTIONS: LedgerAction[] = ['history.add', 'scrobble.stop'];

export function newBatchId(): string {
  return crypto.randomUUID();
}

/** Writes the rows as `intent` (one transaction) and returns their ids, in order. */
export async function recordIntents(db: Db, intents: LedgerIntent[], batchId: string | null = null, now = Date.now()): Promise<number[]> {
  if (intents.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (const i of intents) {
      const row = await trx
        .insertInto('ledger')
        .values({
          target: i.target,
          account_id: i.accountId,
          action: i.action,
          media_type: i.mediaType,
          item_key: i.itemKey,
          plex_key: i.plexKey ?? null,
          title: i.title ?? null,
          watched_at: i.watchedAt ?? null,
          rating: i.rating ?? null,
          progress: i.progress ?? null,
          source: i.source,
          source_id: i.sourceId ?? null,
          batch_id: batchId,
          status: 'intent',
          outcome: null,
          request: i.request === undefined ? null : JSON.stringify(i.request),
          error: null,
          trakt_history_id: i.traktHistoryId ?? null,
          previous_rating: i.previousRating ?? null,
          undoes: i.undoes ?? null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    return ids;
  });
}

export interface Settlement {
  id: number;
  status: 'sent' | 'failed';
  outcome?: string | null;
  error?: string | null;
  traktHistoryId?: number | null;
}

/** Outcomes that record a history probe's guess ("not on Trakt"), not an answer to the request itself. */
export const PROBE_ABSENT_OUTCOMES = ['absent after restart', 'absent after retry', 'absent after lost answer'];

export interface SettleResult {
  /** Rows this call settled. */
  updated: number;
  /** Rows left as they were because something else had settled them first. */
  skipped: number;
  skippedIds: number[];
}

/**
 * Settles many rows in one transaction (after one batched request). Compare-and-set: only a
 * row still in `intent` is written, so a settle never overwrites one another writer (the
 * event worker, a sync, a crash settle) already settled. One exception: Trakt's own `sent`
 * answer corrects a history probe's `failed` guess (PROBE_ABSENT_OUTCOMES), since the play is
 * on Trakt after all.
 */
export async function settle(db: Db, settlements: Settlement[], now = Date.now()): Promise<SettleResult> {
  const result: SettleResult = { updated: 0, skipped: 0, skippedIds: [] };
  if (settlements.length === 0) return result;
  await db.transaction().execute(async (trx) => {
    for (const s of settlements) {
      const r = await trx
        .updateTable('ledger')
        .set({
          status: s.status,
          outcome: s.outcome ?? null,
          error: s.error ?? null,
          trakt_history_id: s.traktHistoryId ?? null,
          updated_at: now,
        })
        .where('id', '=', s.id)
        .where((eb) =>
          s.status === 'sent'
            ? eb.or([eb('status', '=', 'intent'), eb.and([eb('status', '=', 'failed'), eb('outcome', 'in', PROBE_ABSENT_OUTCOMES)])])
            : eb('status', '=', 'intent'),
        )
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) result.updated++;
      else {
        result.skipped++;
        result.skippedIds.push(s.id);
      }
    }
  });
  return result;
}

export async function settleAll(db: Db, ids: number[], status: 'sent' | 'failed', outcome: string | null, error: string | null = null): Promise<SettleResult> {
  return settle(db, ids.map((id) => ({ id, status, outcome, error })));
}

/**
 * True when a play of this item was sent to this Trakt account, or may have been
 * (an unsettled `intent`): either way a sync must not send it again.
 */
export async function playRecorded(db: Db, accountId: number, itemKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('ledger')
    .select('id')
    .where('target', '=', 'trakt')
    .where('account_id', '=', accountId)
    .where('item_key', '=', itemKey)
    .where('action', 'in', PLAY_ACTIONS)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'intent'),
        eb.and([eb('status', '=', 'sent'), eb.or([eb('action', '=', 'history.add'), eb('outcome', '=', 'scrobble')])]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/**
 * SQL: "the ledger has a recorded play of this item for @account" (the reading
 * keysWithRecordedPlays makes), for a query over many items at once.
 */
export const recordedPlaySql = (itemKey: string) =>
  `EXISTS (SELECT 1 FROM ledger l WHERE l.target = 'trakt' AND l.account_id = @account AND l.item_key = ${itemKey}
    AND l.action IN (${PLAY_ACTIONS.map((a) => `'${a}'`).join(', ')})
    AND (l.status = 'intent' OR (l.status = 'sent' AND (l.action = 'history.add' OR l.outcome = 'scrobble'))))`;

/** Item keys (of `keys`) that already have a recorded play, in one query per 500 keys. */
export async function keysWithRecordedPlays(db: Db, accountId: number, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const rows = await db
      .selectFrom('ledger')
      .select('item_key')
      .distinct()
      .where('target', '=', 'trakt')
      .where('account_id', '=', accountId)
      .where('item_key', 'in', chunk)
      .where('action', 'in', PLAY_ACTIONS)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'intent'),
          eb.and([eb('status', '=', 'sent'), eb.or([eb('action', '=', 'history.add'), eb('outcome', '=', 'scrobble')])]),
        ]),
      )
      .execute();
    for (const r of rows) found.add(r.item_key);
  }
  return found;
}

/** The latest play sent for this item since `sinceMs` (the 6-hour duplicate-scrobble rule). */
export async function lastPlaySince(db: Db, accountId: number, itemKey: string, sinceMs: number): Promise<LedgerRow | undefined> {
  return db
    .selectFrom('ledger')
    .selectAll()
    .where('target', '=', 'trakt')
    .where('account_id', '=', accountId)
    .where('item_key', '=', itemKey)
    .where('action', 'in', PLAY_ACTIONS)
    .where('status', 'in', ['intent', 'sent'])
    .where((eb) => eb.or([eb('action', '=', 'history.add'), eb('outcome', '=', 'scrobble'), eb('status', '=', 'intent')]))
    .where('created_at', '>=', sinceMs)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Which `intent` rows a settle may take: one account's, one source's, and never those still in flight. */
export interface IntentScope {
  accountId?: number;
  source?: LedgerSource;
  /**
   * Leave out rows of sync runs still `running` (their writes may be in flight) and of this
   * run. The lease holder marks dead runs `interrupted` first, so what is left is theirs.
   */
  finishedRunsOnly?: boolean;
  exceptRunId?: number;
}

export async function unsettledIntents(db: Db, target: LedgerTarget = 'trakt', scope: IntentScope = {}): Promise<LedgerRow[]> {
  let q = db.selectFrom('ledger').selectAll().where('status', '=', 'intent').where('target', '=', target);
  if (scope.accountId !== undefined) q = q.where('account_id', '=', scope.accountId);
  if (scope.source !== undefined) q = q.where('source', '=', scope.source);
  if (scope.exceptRunId !== undefined) {
    const except = scope.exceptRunId;
    q = q.where((eb) => eb.or([eb('source', '!=', 'sync'), eb('source_id', 'is', null), eb('source_id', '!=', except)]));
  }
  if (scope.finishedRunsOnly) {
    q = q.where((eb) =>
      eb.or([
        eb('source', '!=', 'sync'),
        eb('source_id', 'is', null),
        eb('source_id', 'not in', eb.selectFrom('sync_runs').select('id').where('status', '=', 'running')),
      ]),
    );
  }
  return q.orderBy('id').execute();
}

export async function ledgerForSource(db: Db, source: LedgerSource, sourceId: number): Promise<LedgerRow[]> {
  return db.selectFrom('ledger').selectAll().where('source', '=', source).where('source_id', '=', sourceId).orderBy('id').execute();
}

export async function rememberNotFound(db: Db, accountId: number, itemKey: string, idsHash: string, title: string | null, now = Date.now()): Promise<void> {
  await db
    .insertInto('trakt_not_found')
    .values({ account_id: accountId, item_key: itemKey, ids_hash: idsHash, title, at: now })
    .onConflict((oc) => oc.columns(['account_id', 'item_key']).doUpdateSet({ ids_hash: idsHash, title, at: now }))
    .execute();
}

/** True when Trakt said not_found for exactly these ids before (so they are not sent again). */
export async function knownNotFound(db: Db, accountId: number, itemKey: string, idsHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('trakt_not_found')
    .select('ids_hash')
    .where('account_id', '=', accountId)
    .where('item_key', '=', itemKey)
    .executeTakeFirst();
  return !!row && row.ids_hash === idsHash;
}
