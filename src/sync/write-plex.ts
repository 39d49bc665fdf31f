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

const ACTION = { watched: 'plex.watched', unwatched: 'plex.unwatched', rating: 'plex.rate' } as const;
const OUTCOME = { watched: 'watched', unwatched: 'unwatched', rating: 'rated' } as const;
const REFUSED = { watched: 'marking an item watched', unwatched: 'marking an item unwatched', rating: 'a rating' } as const;

export async function writePlex(ctx: PlexWriteContext, items: PlanItem[], what: PlexWriteKind): Promise<{ done: number; failed: number; requests: number }> {
  const out = { done: 0, failed: 0, requests: 0 };
  const log = ctx.log.child({ component: 'sync', runId: ctx.runId });
  const server = ctx.plex.machineIdentifier;
  const markWatched = ctx.sqlite.prepare(`UPDATE plex_items SET view_count = MAX(view_count, 1), last_viewed_at = COALESCE(last_viewed_at, ?) WHERE server_id = ? AND rating_key = ?`);
  const markUnwatched = ctx.sqlite.prepare(`UPDATE plex_items SET view_count = 0, last_viewed_at = NULL WHERE server_id = ? AND rating_key = ?`);
  const setRating = ctx.sqlite.prepare(`UPDATE plex_items SET user_rating = ? WHERE server_id = ? AND rating_key = ?`);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !ctx.shouldStop?.()) {
      const item = items[next++]!;
      const [id] = await recordIntents(ctx.db, [
        {
          target: 'plex',
          accountId: OWNER,
          action: ACTION[what],
          mediaType: item.kind,
          itemKey: item.itemKey,
          plexKey: `${server}:${item.ratingKey}`,
          title: item.title,
          rating: item.rating ?? null,
          source: 'sync',
          sourceId: ctx.runId,
          request: { ratingKey: item.ratingKey, rating: item.rating },
        },
      ]);
      try {
        out.requests++;
        if (what === 'watched') await ctx.plex.markWatched(item.ratingKey);
        else if (what === 'unwatched') await ctx.plex.markUnwatched(item.ratingKey);
        else await ctx.plex.rate(item.ratingKey, item.rating!);
        await settle(ctx.db, [{ id: id!, status: 'sent', outcome: OUTCOME[what] }]);
        if (what === 'watched') markWatched.run(Date.now(), server, item.ratingKey);
        else if (what === 'unwatched') markUnwatched.run(server, item.ratingKey);
        else setRating.run(item.rating, server, item.ratingKey);
        out.done++;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await settle(ctx.db, [{ id: id!, status: 'failed', outcome: 'error', error: message }]);
        out.failed++;
        log.warn({ item: item.title, err: message }, `Plex refused ${REFUSED[what]}; the next run tries again`);
      }
      ctx.onItem?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, ctx.concurrency ?? 4) }, worker));
  return out;
}
