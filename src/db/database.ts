/**
 * The typed shape of the whole database: one interface per feature, composed here.
 * A feature adds its tables in `src/db/tables/<feature>.ts`, a migration in
 * `migrations/`, and one line below.
 */
import type { Kysely } from 'kysely';
import type { CoreTables } from './tables/core.js';
import type { LedgerTables } from './tables/ledger.js';
import type { TraktTables } from './tables/trakt.js';
import type { SyncTables } from './tables/sync.js';
import type { WebhookTables } from './tables/webhooks.js';
import type { HistoryTables } from './tables/history.js';
import type { PlexTables } from './tables/plex.js';
import type { NotifyTables } from './tables/notify.js';

export interface Database extends CoreTables, LedgerTables, TraktTables, WebhookTables, SyncTables, HistoryTables, PlexTables, NotifyTables {}

export type Db = Kysely<Database>;
