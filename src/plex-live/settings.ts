/** The live listener's one setting: the watched threshold (percent of the item) at which a stop is a play. */
import type { Db } from '../db/database.js';
import { getSetting, setSetting } from '../db/repos/settings.js';

const KEY = 'plex_live.threshold';
export const DEFAULT_THRESHOLD = 90;
/** Trakt records a play only from 80 %: a lower threshold would send stops Trakt keeps as pauses. */
export const MIN_THRESHOLD = 80;
export const MAX_THRESHOLD = 100;

export async function getLiveThreshold(db: Db): Promise<number> {
  const v = await getSetting<number>(db, KEY);
  return typeof v === 'number' && v >= MIN_THRESHOLD && v <= MAX_THRESHOLD ? v : DEFAULT_THRESHOLD;
}

/** Stores a threshold; returns a sentence when the value is not one. */
export async function setLiveThreshold(db: Db, value: number): Promise<string | null> {
  if (!Number.isFinite(value) || value < MIN_THRESHOLD || value > MAX_THRESHOLD) {
    return `The watched threshold is a percentage from ${MIN_THRESHOLD} to ${MAX_THRESHOLD} (Trakt counts a play from 80 %).`;
  }
  await setSetting(db, KEY, Math.round(value));
  return null;
}
