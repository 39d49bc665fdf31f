/**
 * Item metadata by ratingKey (ids, duration, numbering), kept for a while: a session asks
 * for its item on each state change, and 50 people watching must not mean 50 reads a minute.
 * Bounded; a failed read is not cached (the next state change asks again).
 */
import type { PlexMetadata } from '../plex/types.js';

const MAX_ITEMS = 500;

export class MetadataCache {
  private readonly items = new Map<string, { at: number; value: Promise<PlexMetadata | null> }>();

  constructor(
    private readonly read: (ratingKey: string) => Promise<PlexMetadata | null>,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(ratingKey: string): Promise<PlexMetadata | null> {
    const hit = this.items.get(ratingKey);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.read(ratingKey);
    this.items.delete(ratingKey);
    this.items.set(ratingKey, { at: this.now(), value });
    if (this.items.size > MAX_ITEMS) this.items.delete(this.items.keys().next().value!);
    value.catch(() => {
      if (this.items.get(ratingKey)?.value === value) this.items.delete(ratingKey);
    });
    return value;
  }

  clear(): void {
    this.items.clear();
  }
}
