/**
 * The last plays webhooks (or live sessions) put on Trakt, with the moment Plex told us and
 * the moment Trakt answered: what the dashboard shows as "on Trakt 0.8 s later".
 */
import type { Db } from '../db/database.js';

export interface RecentPlay {
  ledgerId: number;
  eventId: number;
  title: string | null;
  mediaType: string;
  /** When the webhook arrived. */
  receivedAt: number;
  /** When Trakt's answer was stored. */
  answeredAt: number;
  account: string | null;
  player: string | null;
  /** The Trakt account the play went to. */
  traktAccountId: number | null;
  /** The event's stored Trakt answer (JSON text) and the request body of this write. */
  answer: string | null;
  request: string | null;
}

export async function recentWebhookPlays(db: Db, limit = 6): Promise<RecentPlay[]> {
  const rows = await db
    .selectFrom('ledger as l')
    .innerJoin('webhook_events as e', 'e.id', 'l.source_id')
    .select([
      'l.id as ledgerId',
      'e.id as eventId',
      'l.title as title',
      'l.media_type as mediaType',
      'e.received_at as receivedAt',
      'l.updated_at as answeredAt',
      'e.account_title as account',
      'e.player_title as player',
      'l.account_id as traktAccountId',
      'e.trakt_answer as answer',
      'l.request as request',
    ])
    .where('l.target', '=', 'trakt')
    .where('l.source', '=', 'webhook')
    .where('l.status', '=', 'sent')
    .where((eb) => eb.or([eb('l.outcome', '=', 'scrobble'), eb('l.action', '=', 'history.add')]))
    .orderBy('l.updated_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(limit)
    .execute();
  return rows;
}
