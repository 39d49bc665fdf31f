/**
 * Every migration, in order. Migrations are frozen in time: never edit one that has
 * shipped; add the next number. A static list (not a folder scan) works the same under
 * tsx, vitest and the compiled build.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_trakt_accounts.js';
import * as m0003 from './0003_plex.js';
import * as m0004 from './0004_ledger.js';
import * as m0005 from './0005_webhook_events.js';
import * as m0006 from './0006_sync.js';
import * as m0007 from './0007_history.js';
import * as m0008 from './0008_watch_baseline.js';
import * as m0011 from './0011_notifications.js';
import * as m0012 from './0012_guard_undo.js';
import * as m0013 from './0013_event_source.js';
import * as m0014 from './0014_plex_section_titles.js';
import * as m0016 from './0016_people.js';
import * as m0017 from './0017_plan_rows.js';
import * as m0018 from './0018_run_people.js';
import * as m0020 from './0020_plex_totals_index.js';

export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0002_trakt_accounts': m0002,
  '0003_plex': m0003,
  '0004_ledger': m0004,
  '0005_webhook_events': m0005,
  '0006_sync': m0006,
  '0007_history': m0007,
  '0008_watch_baseline': m0008,
  '0011_notifications': m0011,
  '0012_guard_undo': m0012,
  '0013_event_source': m0013,
  '0014_plex_section_titles': m0014,
  '0016_people': m0016,
  '0017_plan_rows': m0017,
  '0018_run_people': m0018,
  '0020_plex_totals_index': m0020,
};
