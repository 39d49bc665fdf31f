/**
 * The sync's settings (kept in the `settings` table, key `sync`): which directions run,
 * ratings and who wins a rating conflict, whether un-watching is mirrored, and the
 * schedule. Defaults: both directions and ratings on, Plex wins, nothing ever removed
 * (mirrorUnwatch off), no schedule.
 */
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { getSetting, setSetting } from '../db/repos/settings.js';

export const scheduleSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }),
  z.object({ mode: z.literal('interval'), hours: z.number().int().min(1).max(168) }),
  z.object({ mode: z.literal('cron'), cron: z.string().min(1).max(100) }),
]);
export type SyncSchedule = z.infer<typeof scheduleSchema>;

export const syncSettingsSchema = z.object({
  toTrakt: z.boolean().default(true),
  toPlex: z.boolean().default(true),
  ratings: z.boolean().default(true),
  ratingPriority: z.enum(['plex', 'trakt']).default('plex'),
  /** Removals, opt-in: un-watching observed on one side since the last run is repeated on the other. */
  mirrorUnwatch: z.boolean().default(false),
  schedule: scheduleSchema.default({ mode: 'off' }),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

const KEY = 'sync';

export async function getSyncSettings(db: Db): Promise<SyncSettings> {
  const stored = await getSetting<unknown>(db, KEY);
  const parsed = syncSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : syncSettingsSchema.parse({});
}

export async function saveSyncSettings(db: Db, settings: SyncSettings): Promise<void> {
  await setSetting(db, KEY, syncSettingsSchema.parse(settings));
}
