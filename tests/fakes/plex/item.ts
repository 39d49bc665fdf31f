/**
 * One library item of the emulated server. A class with every field set in the constructor
 * (one object shape for 100,000 items) that keeps only what it was made from: strings a
 * listing shows (ratingKey, guid, Guid[] ids, release date) are derived on demand, so
 * seeding a large library allocates little and stays quick.
 */
import type { AgentStyle, ExternalIds } from '../library/model.js';
import { guidsFor, type ItemGuids } from './guids.js';

export type ItemType = 'movie' | 'show' | 'season' | 'episode';

export interface ItemInit {
  type: ItemType;
  /** The library-model key it was made from (`movie-17`, `show-3`, `show-3:season-1`, `show-3-s01e05`). */
  libKey: string;
  sectionId: number;
  title: string;
  year?: number;
  agent: AgentStyle;
  /** Its own ids (a movie's, a show's, an episode's); seasons have none. */
  ids: ExternalIds;
  /** HAMA's AniDB id (shows; the model has none, the seed invents one). */
  anidb?: number;
  addedAt: number;
  durationMs?: number;
  editionTitle?: string;
  /** Season number (seasons) or episode number (episodes). */
  index?: number;
  parent?: PlexItem;
  show?: PlexItem;
  /** Episodes: first and last episode numbers of their media file (`S01E01-E02` = 1..2). */
  fileFirst?: number;
  fileLast?: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function sortTitleOf(title: string): string {
  return title.toLowerCase().replace(/^(the|a|an)\s+/, '');
}

export class PlexItem {
  readonly rk: number;
  readonly type: ItemType;
  readonly libKey: string;
  readonly sectionId: number;
  readonly title: string;
  /** Lower-case title without a leading article (Plex's titleSort order); movies and shows. */
  readonly sortTitle: string;
  readonly year: number | undefined;
  readonly agent: AgentStyle;
  readonly ids: ExternalIds;
  readonly anidb: number | undefined;
  readonly addedAt: number;
  updatedAt: number;
  readonly durationMs: number | undefined;
  readonly editionTitle: string | undefined;
  readonly index: number | undefined;
  /** Season of an episode, show of a season. */
  readonly parent: PlexItem | undefined;
  /** The show of a season or an episode. */
  readonly show: PlexItem | undefined;
  /** Show → seasons, season → episodes (in index order). */
  readonly children: PlexItem[] | undefined;
  /** Show → every episode. */
  readonly leaves: PlexItem[] | undefined;
  readonly fileFirst: number | undefined;
  readonly fileLast: number | undefined;
  private guidCache: ItemGuids | undefined;

  constructor(rk: number, init: ItemInit) {
    this.rk = rk;
    this.type = init.type;
    this.libKey = init.libKey;
    this.sectionId = init.sectionId;
    this.title = init.title;
    this.sortTitle = init.type === 'movie' || init.type === 'show' ? sortTitleOf(init.title) : '';
    this.year = init.year;
    this.agent = init.agent;
    this.ids = init.ids;
    this.anidb = init.anidb;
    this.addedAt = init.addedAt;
    this.updatedAt = init.addedAt + 3600;
    this.durationMs = init.durationMs;
    this.editionTitle = init.editionTitle;
    this.index = init.index;
    this.parent = init.parent;
    this.show = init.show;
    this.children = init.type === 'show' || init.type === 'season' ? [] : undefined;
    this.leaves = init.type === 'show' ? [] : undefined;
    this.fileFirst = init.fileFirst;
    this.fileLast = init.fileLast;
    this.guidCache = undefined;
  }

  get ratingKey(): string {
    return String(this.rk);
  }

  get guid(): string {
    return this.guids().guid;
  }

  /** The `Guid[]` ids (modern agents only). */
  get externalGuids(): string[] {
    return this.guids().external;
  }

  get originallyAvailableAt(): string | undefined {
    const y = this.year;
    if (y === undefined || this.type === 'season') return undefined;
    if (this.type === 'show') return `${y}-09-01`;
    const n = this.type === 'episode' ? (this.index ?? 1) : y;
    return `${y}-${pad(1 + ((n - 1) % 12))}-${pad(1 + ((n * 7) % 28))}`;
  }

  private guids(): ItemGuids {
    if (this.guidCache) return this.guidCache;
    const show = this.show;
    const ctx = { agent: show?.agent ?? this.agent, ids: show?.ids ?? this.ids, identity: this.libKey, ratingKey: this.ratingKey, anidb: show?.anidb ?? this.anidb };
    const path = this.type === 'season' ? [this.index!] : this.type === 'episode' ? [this.parent!.index!, this.index!] : [];
    this.guidCache = guidsFor(this.type, ctx, path, this.type === 'episode' ? this.ids : undefined);
    return this.guidCache;
  }
}
