/**
 * The emulated server's library: sections and items (movies, shows, seasons, episodes) with
 * deterministic ratingKeys, an index by ratingKey and by library-model key, and per
 * section/type arrays kept in Plex's default order (sorted once, lazily, after additions),
 * so a page of 100,000 episodes is a slice, not a scan.
 */
import type { LibSection } from '../library/model.js';
import { PlexItem, type ItemInit, type ItemType } from './item.js';

export { PlexItem, sortTitleOf, type ItemInit, type ItemType } from './item.js';
export const TYPE_NUMBER: Record<ItemType, number> = { movie: 1, show: 2, season: 3, episode: 4 };

export interface PlexSection {
  id: number;
  title: string;
  type: 'movie' | 'show';
  agent: string;
  uuid: string;
  location: string;
  createdAt: number;
  byType: Map<number, PlexItem[]>;
  sorted: boolean;
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Plex's default order of a section listing for each type. */
export function defaultOrder(a: PlexItem, b: PlexItem): number {
  if (a.type === 'episode' || a.type === 'season') {
    const sa = a.show!;
    const sb = b.show!;
    if (sa !== sb) return cmpStr(sa.sortTitle, sb.sortTitle) || sa.rk - sb.rk;
    const seasonA = a.type === 'episode' ? a.parent!.index! : a.index!;
    const seasonB = b.type === 'episode' ? b.parent!.index! : b.index!;
    if (seasonA !== seasonB) return seasonA - seasonB;
    return (a.index ?? 0) - (b.index ?? 0) || a.rk - b.rk;
  }
  return cmpStr(a.sortTitle, b.sortTitle) || (a.year ?? 0) - (b.year ?? 0) || a.rk - b.rk;
}

export class PlexStore {
  readonly sections = new Map<number, PlexSection>();
  private items = new Map<number, PlexItem>();
  /** Model key → ratingKey, or ratingKeys when one entry made several items (editions, copies). */
  private byLibKey = new Map<string, number | number[]>();
  private nextRk = 1000;
  /** Bumped on every change of items or watch state; query caches check it. */
  version = 0;
  private cache = new Map<string, { version: number; items: PlexItem[] }>();

  reset(): void {
    this.sections.clear();
    this.items.clear();
    this.byLibKey.clear();
    this.cache.clear();
    this.nextRk = 1000;
    this.version += 1;
  }

  addSection(s: LibSection): PlexSection {
    const section: PlexSection = {
      id: s.id,
      title: s.title,
      type: s.type,
      agent: s.agent,
      uuid: `AC${String(s.id).padStart(6, '0')}-0000-4000-8000-${String(s.id).padStart(12, '0')}`,
      location: `/data/media/${s.title.toLowerCase().replace(/\W+/g, '-')}`,
      createdAt: 1_499_600_000 + s.id * 60,
      byType: new Map(),
      sorted: true,
    };
    this.sections.set(s.id, section);
    this.version += 1;
    return section;
  }

  /** The ratingKey the next added item will get. */
  peekRatingKey(): number {
    return this.nextRk;
  }

  add(init: ItemInit): PlexItem {
    const section = this.sections.get(init.sectionId);
    if (!section) throw new Error(`unknown section ${init.sectionId}`);
    const item = new PlexItem(this.nextRk++, init);
    this.items.set(item.rk, item);
    const keys = this.byLibKey.get(item.libKey);
    if (keys === undefined) this.byLibKey.set(item.libKey, item.rk);
    else if (typeof keys === 'number') this.byLibKey.set(item.libKey, [keys, item.rk]);
    else keys.push(item.rk);
    const typeNumber = TYPE_NUMBER[item.type];
    let list = section.byType.get(typeNumber);
    if (!list) section.byType.set(typeNumber, (list = []));
    list.push(item);
    section.sorted = false;
    this.version += 1;
    return item;
  }

  get(ratingKey: string): PlexItem | undefined {
    const rk = Number(ratingKey);
    // "01000" is not ratingKey 1000.
    return Number.isInteger(rk) && String(rk) === ratingKey ? this.items.get(rk) : undefined;
  }

  get size(): number {
    return this.items.size;
  }

  ratingKeysOf(libKey: string): string[] {
    const keys = this.byLibKey.get(libKey);
    if (keys === undefined) return [];
    return typeof keys === 'number' ? [String(keys)] : keys.map(String);
  }

  /** A section's items of one type in default order (the array itself: do not modify). */
  list(sectionId: number, typeNumber: number): PlexItem[] {
    const section = this.sections.get(sectionId);
    if (!section) return [];
    if (!section.sorted) {
      for (const list of section.byType.values()) list.sort(defaultOrder);
      section.sorted = true;
    }
    return section.byType.get(typeNumber) ?? [];
  }

  /** Puts every section's lists in default order now (after a bulk seed), not on the first request. */
  sortAll(): void {
    for (const section of this.sections.values()) this.list(section.id, 1);
  }

  /** A derived list, rebuilt only when the library or a watch state changed since. */
  cached(key: string, build: () => PlexItem[]): PlexItem[] {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.version) return hit.items;
    const items = build();
    if (this.cache.size >= 16) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { version: this.version, items });
    return items;
  }
}
