/**
 * The old "Plex accounts seen in webhooks" view, now read from and written to `people`
 * (a mapped account is a person with their own Trakt account; an ignored one has webhooks off).
 */
import type { Db } from '../database.js';
import type { PersonRow } from '../tables/people.js';
import type { WebhookAccountMode, WebhookAccountRow } from '../tables/webhooks.js';
import { getPerson, notePersonSeen, updatePerson } from './people.js';

function toRow(p: PersonRow): WebhookAccountRow {
  const mode: WebhookAccountMode = !p.webhooks ? 'ignored' : p.trakt_account_id !== null ? 'mapped' : 'default';
  return {
    plex_account_id: p.plex_account_id,
    plex_account_title: p.name,
    mode,
    trakt_account_id: p.trakt_account_id,
    first_seen_at: p.first_seen_at,
    last_seen_at: p.last_seen_at ?? p.first_seen_at,
  };
}

export async function noteWebhookAccount(db: Db, plexAccountId: number, title: string | null, now = Date.now()): Promise<WebhookAccountRow> {
  return toRow(await notePersonSeen(db, plexAccountId, title, now));
}

export async function getWebhookAccount(db: Db, plexAccountId: number): Promise<WebhookAccountRow | undefined> {
  const p = await getPerson(db, plexAccountId);
  return p && p.last_seen_at !== null ? toRow(p) : undefined;
}

/** Only people seen in a webhook, newest first. */
export async function listWebhookAccounts(db: Db): Promise<WebhookAccountRow[]> {
  const rows = await db.selectFrom('people').selectAll().where('last_seen_at', 'is not', null).orderBy('last_seen_at', 'desc').limit(200).execute();
  return rows.map(toRow);
}

/** Maps a Plex account to a Trakt account, ignores it (webhooks off), or returns it to the default rule. */
export async function setWebhookAccountMode(db: Db, plexAccountId: number, mode: WebhookAccountMode, traktAccountId: number | null): Promise<boolean> {
  const p = await getPerson(db, plexAccountId);
  if (!p || p.last_seen_at === null) return false;
  if (mode === 'ignored') return updatePerson(db, plexAccountId, { webhooks: false, traktAccountId: null });
  return updatePerson(db, plexAccountId, { webhooks: true, traktAccountId: mode === 'mapped' ? traktAccountId : null });
}
