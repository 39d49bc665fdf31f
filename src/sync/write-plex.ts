/**
 * Plex writes of a run (mark watched or unwatched, set rating) with a small fixed concurrency, each
 * one a ledger row (target plex). One failing item is logged and counted; the rest go on.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/database.js';
import { recordIntents, settle } from '../ledger/repo.js';
import type { Logger } from '../log/logger.js';
import type { PlanItem } from './plan.js';
import type { SyncPlex } from './ports.js';

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

/** The Plex account the sync writes as: the server owner (the token's user). */
const OWNER = 1;

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

export async function writePlex(ctx: PlexWriteContext, items: PlanItem[], what: PlexWriteKind): Promise<{ done: number; failed: number; requests: number }> {
  const out = { done: 0, failed: 0, requests: 0 };
  const log = ctx.log.child({ component: 'sync', runId: ctx.runId });
  const server = ctx.plex.machineIdentifier;
  const kind = KINDS[what];
  const mirror = ctx.sqlite.prepare(kind.mirror);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !ctx.shouldStop?.()) {
      const item = items[next++]!;
      const [id] = await recordIntents(ctx.db, [
        {
          target: 'plex',
          accountId: OWNER,
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
      ]);
      try {
        out.requests++;
        await kind.send(ctx.plex, item);
        await settle(ctx.db, [{ id: id!, status: 'sent', outcome: kind.outcome }]);
        mirror.run({ now: Date.now(), server, ratingKey: item.ratingKey, rating: item.rating ?? null });
        out.done++;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await settle(ctx.db, [{ id: id!, status: 'failed', outcome: 'error', error: message }]);
        out.failed++;
        log.warn({ item: item.title, err: message }, `Plex refused ${kind.refused}; the next run tries again`);
      }
      ctx.onItem?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, ctx.concurrency ?? 4) }, worker));
  return out;
}
