/**
 * One webhook event, start to end: filters (server, event, media, library, account),
 * the 2-minute duplicate, identity, position, the rules, then Trakt through the ledger.
 * Returns the event's new status; the worker stores it.
 */
import type { Db } from '../db/database.js';
import type { WebhookEventRow } from '../db/tables/webhooks.js';
import { earlierSameEvent } from '../db/repos/webhook-events.js';
import { noteWebhookAccount } from '../db/repos/webhook-accounts.js';
import type { ExternalIds } from '../ledger/item-key.js';
import { itemKey } from '../ledger/item-key.js';
import { lastPlaySince } from '../ledger/repo.js';
import { carryOut, settleOwnIntents } from './carry-out.js';
import { identify } from './identity.js';
import { parsePayload, type WebhookMetadata, type WebhookPayload } from './payload.js';
import type { ConnectedServer, ScrobblePorts } from './ports.js';
import { decide, DUPLICATE_WINDOW_MS, isUsedEvent, progressPercent, RESCROBBLE_WINDOW_MS, STALE_AFTER_MS } from './rules.js';

export type EventResult =
  | { status: 'sent' | 'ignored' | 'duplicate' | 'stale' | 'failed'; reason: string; answer?: unknown; traktAccountId?: number | null; play?: boolean }
  | { status: 'retry'; reason: string; answer?: unknown; traktAccountId?: number | null };

export interface ProcessContext {
  db: Db;
  ports: ScrobblePorts;
  now(): number;
  /** Show ids by grandparentRatingKey, fetched once per show. */
  showIds: Map<string, ExternalIds | null>;
}

const ignored = (reason: string): EventResult => ({ status: 'ignored', reason });

function filterItem(p: WebhookPayload, row: WebhookEventRow, server: ConnectedServer | null): { skip: EventResult } | { m: WebhookMetadata } {
  if (!isUsedEvent(p.event)) return { skip: ignored(`Plex event ${p.event} is not used for scrobbling.`) };
  if (server && server.uuid === null) {
    const reason = 'The connected Plex server has not answered yet, so it is not known whether this event comes from it; the event waits until it answers.';
    return { skip: { status: 'retry', reason } };
  }
  if (server && row.server_uuid !== server.uuid) {
    return { skip: ignored(`From the Plex server "${row.server_title ?? row.server_uuid ?? 'unknown'}", not the connected one.`) };
  }
  const m = p.Metadata;
  if (!m) return { skip: ignored('The payload names no item.') };
  if (m.type !== 'movie' && m.type !== 'episode') return { skip: ignored(`A ${m.type ?? 'item of unknown type'} is not a movie or an episode.`) };
  return { m };
}

/** A media.rate with another rating than the earlier one is a new choice, not Plex repeating itself. */
function changedRating(p: WebhookPayload, earlierRaw: string): boolean {
  if (p.event !== 'media.rate') return false;
  try {
    return (parsePayload(earlierRaw).rating ?? null) !== (p.rating ?? null);
  } catch {
    return true;
  }
}

/** Which Trakt account this Plex account's plays go to, or why none. */
async function traktAccountFor(ctx: ProcessContext, row: WebhookEventRow, server: ConnectedServer | null): Promise<number | EventResult> {
  if (row.account_id === null) return ignored('The payload names no Plex account.');
  const acct = await noteWebhookAccount(ctx.db, row.account_id, row.account_title, ctx.now());
  const name = row.account_title?.trim() || `#${row.account_id}`;
  if (acct.mode === 'ignored') return ignored(`Plex account "${name}" is set to be ignored in Settings.`);
  if (acct.mode === 'mapped' && acct.trakt_account_id !== null) return acct.trakt_account_id;
  const owner =
    row.account_id === 1 ||
    (!!server?.ownerUsername && !!row.account_title && row.account_title.trim().toLowerCase() === server.ownerUsername.trim().toLowerCase());
  if (!owner) return ignored(`Plex account "${name}" is not mapped to a Trakt account: map it in Settings → Webhook accounts.`);
  const id = await ctx.ports.defaultTraktAccount();
  if (id === null) return ignored('Trakt is not connected: connect it in Settings, then retry.');
  return id;
}

async function position(ctx: ProcessContext, m: WebhookMetadata, player: string | null): Promise<number | null> {
  const direct = progressPercent(m.viewOffset, m.duration);
  if (direct !== null || !m.ratingKey) return direct;
  const plex = await ctx.ports.plex().catch(() => null);
  if (!plex) return null;
  const live = await plex.sessionPosition(m.ratingKey, player).catch(() => null);
  const fromLive = progressPercent(live?.viewOffset, live?.duration ?? m.duration);
  if (fromLive !== null) return fromLive;
  const stored = await plex.itemPosition(m.ratingKey).catch(() => null);
  return progressPercent(stored?.viewOffset, stored?.duration ?? m.duration);
}

export async function processEvent(ctx: ProcessContext, row: WebhookEventRow): Promise<EventResult> {
  let payload: WebhookPayload;
  try {
    payload = parsePayload(row.payload);
  } catch (err) {
    return ignored(`The stored payload cannot be read: ${(err as Error).message}`);
  }
  const server = await ctx.ports.connectedServer();
  const item = filterItem(payload, row, server);
  if ('skip' in item) return item.skip;
  const m = item.m;
  if (m.librarySectionID !== undefined && !(await ctx.ports.librarySelected(String(m.librarySectionID)))) {
    return ignored(`The library "${String(m.librarySectionTitle ?? m.librarySectionID)}" is not selected for syncing.`);
  }
  const account = await traktAccountFor(ctx, row, server);
  if (typeof account !== 'number') return account;

  const earlier = await earlierSameEvent(ctx.db, row, DUPLICATE_WINDOW_MS);
  if (earlier && !changedRating(payload, earlier.payload)) {
    const secs = Math.round((row.received_at - earlier.received_at) / 1000);
    const reason =
      earlier.source === row.source
        ? `Plex sent the same event ${secs} s earlier (event #${earlier.id}).`
        : `The ${earlier.source === 'live' ? 'live listener' : 'webhook'} saw the same event ${secs} s earlier (event #${earlier.id}): one play, counted once.`;
    return { status: 'duplicate', reason, traktAccountId: account };
  }

  const now = ctx.now();
  const playback = payload.event !== 'media.scrobble' && payload.event !== 'media.rate';
  if (playback && now - row.received_at > STALE_AFTER_MS) {
    return { ...(decide({ event: payload.event, receivedAt: row.received_at, now, progress: null, lastPlayAt: null }) as { status: 'stale'; reason: string }), traktAccountId: account };
  }

  const writer = await ctx.ports.traktWriter(account);
  if (!writer) return { status: 'retry', reason: 'The Trakt account cannot write right now (not connected or its login expired): reconnect Trakt in Settings.', traktAccountId: account };

  let previous;
  try {
    previous = await settleOwnIntents(ctx.db, writer, row.id);
  } catch (err) {
    return { status: 'retry', reason: `Could not check Trakt's history for an earlier unanswered attempt (${(err as Error).message}).`, traktAccountId: account };
  }

  const cache = ctx.showIds;
  let lookupFailed: string | undefined;
  const who = await identify(m, async (key) => {
    if (!cache.has(key)) {
      const plex = await ctx.ports.plex().catch(() => null);
      const ids = plex
        ? await plex.showIds(key).catch((err: unknown) => {
            lookupFailed = err instanceof Error ? err.message : String(err);
            return undefined;
          })
        : null;
      if (ids === undefined) return null; // a failed lookup is not cached
      cache.set(key, ids);
    }
    return cache.get(key) ?? null;
  });
  // Unmatched only because Plex could not be asked for the show's ids: try again later, not ignore.
  if ('unmatched' in who && lookupFailed) {
    return { status: 'retry', reason: `The show's ids are needed and the Plex server could not be asked: ${lookupFailed}`, traktAccountId: account };
  }
  if ('unmatched' in who) return { status: 'ignored', reason: who.unmatched, traktAccountId: account };

  const progress = payload.event === 'media.rate' || payload.event === 'media.scrobble' ? progressPercent(m.viewOffset, m.duration) : await position(ctx, m, payload.Player?.uuid ?? null);
  const key = itemKey(who.refs[0]!)!;
  const last = await lastPlaySince(ctx.db, account, key, now - RESCROBBLE_WINDOW_MS);
  const lastIsOurs = last && last.source === 'webhook' && last.source_id === row.id;
  const decision = decide({
    event: payload.event,
    receivedAt: row.received_at,
    now,
    progress,
    rating: payload.rating === undefined ? undefined : payload.rating,
    lastPlayAt: last && !lastIsOurs ? last.created_at : null,
    watchedPercent: payload.Live?.threshold,
  });
  if (decision.kind === 'skip') return { status: decision.status, reason: decision.reason, traktAccountId: account };

  const result = await carryOut(
    { db: ctx.db, writer, eventId: row.id, accountId: account, decision, refs: who.refs, titles: who.titles, plexKey: row.server_uuid && m.ratingKey ? `${row.server_uuid}:${m.ratingKey}` : null, now },
    previous,
  );
  if (result.kind === 'sent') return { status: 'sent', reason: result.reason, answer: result.answer, traktAccountId: account, play: result.play };
  return { status: result.kind, reason: result.reason, answer: result.answer, traktAccountId: account };
}
