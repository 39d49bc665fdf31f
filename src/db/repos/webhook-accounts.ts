/** Plex accounts seen in webhooks, and which Trakt account each one's plays go to. */
import type { Db } from '../database.js';
import type { WebhookAccountMode, WebhookAccountRow } from '../tables/webhooks.js';

export async function noteWebhookAccount(db: Db, plexAccountId: number, title: string | null, now = Date.now()): Promise<WebhookAccountRow> {
  return db
    .insertInto('webhook_accounts')
    .values({ plex_account_id: plexAccountId, plex_account_title: title, mode: 'default', trakt_account_id: null, first_seen_at: now, last_seen_at: now })
    .onConflict((oc) => oc.column('plex_account_id').doUpdateSet({ plex_account_title: title, last_seen_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function getWebhookAccount(db: Db, plexAccountId: number): Promise<WebhookAccountRow | undefined> {
  return db.selectFrom('webhook_accounts').selectAll().where('plex_account_id', '=', plexAccountId).executeTakeFirst();
}

export async function listWebhookAccounts(db: Db): Promise<WebhookAccountRow[]> {
  return db.selectFrom('webhook_accounts').selectAll().orderBy('last_seen_at', 'desc').limit(200).execute();
}

/** Maps a Plex account to a Trakt account, ignores it, or returns it to the default rule. */
export async function setWebhookAccountMode(db: Db, plexAccountId: number, mode: WebhookAccountMode, traktAccountId: number | null): Promise<boolean> {
  const res = await db
    .updateTable('webhook_accounts')
    .set({ mode, trakt_account_id: mode === 'mapped' ? traktAccountId : null })
    .where('plex_account_id', '=', plexAccountId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
