/**
 * Plex writes of a run (mark watched or unwatched, set rating) with a small fixed concurrency, each
 * one a ledger row (target plex). One failing item is logged and counted; the rest go on.
 * `/:/scrobble` adds a view each time it is called, so a write whose answer is unknown (no
 * answer, any 5xx) is never sent again blind: the item is read, and only a change that is not
 * there is sent once more (src/ledger/settle-intents.ts, the same reading as after a crash).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { recordIntents, settle } from '../ledger/repo.js';
import { settlePlexRows } from '../ledger/settle-intents.js';
import { isUnknownStatus } from '../net/write-answer.js';
import { PlexError, PlexHttpError, PlexUnauthorizedError } from '../plex/errors.js';
import type { Logger } from '../log/logger.js';
import type { PlanItem } from './plan.js';
import type { PlanSource } from './plan-store.js';
import type { SyncPlex } from './ports.js';
import { personOfScope } from './scope.js';

export interface PlexWriteContext {
  db: Db;
  sqlite: BetterSqlite3.Database;
  plex: SyncPlex;
  runId: number;
  log: Logger;
  concurrency?: number;
  onItem?: () => void;
  shouldStop?: () => boolean;
}

/** How many plan items are read from SQLite at a time. */
const PLEX_CHUNK = 500;

export type PlexWriteKind = 'watched' | 'unwatched' | 'rating';

/** Per kind: the ledger action and outcome, the Plex call, and how the Plex mirror follows it. */
const KINDS = {
  watched: {
    action: 'plex.watched',
    outcome: 'watched',
    refused: 'marking an item watched',
    send: (plex: SyncPlex, item: PlanItem) => plex.markWatched(item.ratingKey),
    mirror: 'UPDATE plex_items SET view_count = MAX(view_count, 1), last_viewed_at = COALESCE(last_viewed_at, @now) WHERE server_id = @server AND rating_key = @ratingKey',
  },
  unwatched: {
    action: 'plex.unwatched',
    outcome: 'unwatched',
    refused: 'marking an item unwatched',
    send: (plex: SyncPlex, item: PlanItem) => plex.markUnwatched(item.ratingKey),
    mirror: 'UPDATE plex_items SET view_count = 0, last_viewed_at = NULL WHERE server_id = @server AND rating_key = @ratingKey',
  },
  rating: {
    action: 'plex.rate',
    outcome: 'rated',
    refused: 'a rating',
    send: (plex: SyncPlex, item: PlanItem) => plex.rate(item.ratingKey, item.rating!),
    mirror: 'UPDATE plex_items SET user_rating = @rating WHERE server_id = @server AND rating_key = @ratingKey',
  },
} as const;

/** Whether a failed Plex write may have been carried out: no answer, any 5xx or 408, a 2xx that is not Plex's, or an error without a status. */
export function answerUnknown(err: unknown): boolean {
  if (err instanceof PlexUnauthorizedError) return false;
  if (err instanceof PlexHttpError) return isUnknownStatus(err.status);
  if (err instanceof PlexError) return err.name === 'PlexUnreachableError' || err.name === 'PlexResponseError';
  return true;
}

export async function writePlex(ctx: PlexWriteContext, items: PlanSource, what: PlexWriteKind): Promise<{ done: number; failed: number; requests: number }> {
  const out = { done: 0, failed: 0, requests: 0 };
  const log = ctx.log.child({ component: 'sync', runId: ctx.runId });
  const server = ctx.plex.machineIdentifier;
  const kind = KINDS[what];
  const mirror = ctx.sqlite.prepare(kind.mirror);
  const intent = async (item: PlanItem) =>
    (
      await recordIntents(ctx.db, [
        {
          target: 'plex',
          // The Plex account written as: the token's user, whose scope this is (1 = the owner).
          accountId: personOfScope(server),
          action: kind.action,
          mediaType: item.kind,
          itemKey: item.itemKey,
          plexKey: `${server}:${item.ratingKey}`,
          title: item.title,
          rating: item.rating ?? null,
          previousRating: what === 'rating' ? (item.previousRating ?? null) : null,
          source: 'sync',
          sourceId: ctx.runId,
          request: { ratingKey: item.ratingKey, rating: item.rating },
        },
      ])
    )[0]!;
  /** Sends once; on an unknown answer reads the item and says whether the change is there. */
  const attempt = async (item: PlanItem): Promise<'done' | 'refused' | 'absent' | 'unread'> => {
    const id = await intent(item);
    out.requests++;
    try {
      await kind.send(ctx.plex, item);
      await settle(ctx.db, [{ id, status: 'sent', outcome: kind.outcome }]);
      return 'done';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!answerUnknown(err)) {
        await settle(ctx.db, [{ id, status: 'failed', outcome: 'error', error: message }]);
        log.warn({ item: item.title, err: message }, `Plex refused ${kind.refused}; the next run tries again`);
        return 'refused';
      }
      const row = await ctx.db.selectFrom('ledger').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const r = await settlePlexRows(ctx.db, (k) => ctx.plex.itemState(k), [row], 'lost answer');
      log.warn({ item: item.title, err: message, landed: r.found > 0 }, `Plex's answer was lost for ${kind.refused}; the item was read: ${r.found ? 'the change is there' : r.absent ? 'the change is not there' : 'it could not be read, the next run reads it again'}`);
      return r.found ? 'done' : r.absent ? 'absent' : 'unread';
    }
  };
  // The plan is read a chunk at a time; the workers share the chunk in hand.
  let chunk: PlanItem[] = [];
  let at = 0;
  const take = (): PlanItem | undefined => {
    if (ctx.shouldStop?.()) return undefined;
    if (at >= chunk.length) {
      chunk = items.next(PLEX_CHUNK);
      at = 0;
    }
    return chunk[at++];
  };
  const worker = async () => {
    for (let item = take(); item; item = take()) {
      let result = await attempt(item);
      if (result === 'absent') result = await attempt(item); // read back and not there: sent once more
      if (result === 'done') {
        mirror.run({ now: Date.now(), server, ratingKey: item.ratingKey, rating: item.rating ?? null });
        out.done++;
      } else out.failed++;
      ctx.onItem?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, ctx.concurrency ?? 4) }, worker));
  return out;
}
