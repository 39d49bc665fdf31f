/** The PIN login waiting for approval (one per install, in settings so a restart or a second tab sees it). */
import type { Db } from '../../db/database.js';
import { deleteSetting, getSetting, setSetting } from '../../db/repos/settings.js';

export const PENDING_PIN = 'plex.pending_pin';

export interface PendingPin {
  id: number;
  expiresAt: number;
  /** Set when creating the PIN failed, so the page's poller can say why. */
  error?: string;
}

export const getPendingPin = (db: Db) => getSetting<PendingPin>(db, PENDING_PIN);
export const setPendingPin = (db: Db, pin: PendingPin) => setSetting(db, PENDING_PIN, pin);
export const clearPendingPin = (db: Db) => deleteSetting(db, PENDING_PIN);

/** A PIN's end: plex.tv's expiresAt, else its expiresIn from now, else 15 minutes. */
export function pinExpiry(pin: { expiresAt?: string; expiresIn?: number }, now = Date.now()): number {
  const at = pin.expiresAt ? Date.parse(pin.expiresAt) : NaN;
  if (Number.isFinite(at)) return at;
  return now + (pin.expiresIn ?? 900) * 1000;
}
