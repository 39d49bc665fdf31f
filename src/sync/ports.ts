/**
 * What the sync needs from the Trakt client (engineer A) and the Plex server client
 * (engineer B), as narrow interfaces. `wiring.ts` adapts the real clients; tests pass
 * emulator-backed ones.
 */
import type { PlexItemState } from '../ledger/settle-intents.js';
import type { HistoryProbe } from '../ledger/trakt-history-read.js';

export interface TraktResponse {
  status: number;
  body: unknown;
  /** Lower-case header names (X-Pagination-* is read from here). */
  headers: Record<string, string>;
}

export interface SyncTrakt {
  accountId: number;
  /** A GET through the shared client (budgets, retries, token refresh); throws only when no answer came. */
  get(path: string): Promise<TraktResponse>;
  /** A write through the shared client's write budget (shared with the webhook worker). */
  post(path: string, body: unknown): Promise<TraktResponse>;
  /** Looks for a play around a ledger row's time, to settle intents a crash left behind. */
  probe: HistoryProbe;
}

export interface PlexGuidTag {
  id: string;
}

/** The fields of a Plex library item the sync reads (as PMS sends them, JSON). */
export interface PlexMeta {
  ratingKey: string;
  type: string;
  title?: string;
  year?: number;
  guid?: string;
  Guid?: PlexGuidTag[];
  editionTitle?: string;
  grandparentRatingKey?: string;
  grandparentTitle?: string;
  grandparentGuid?: string;
  parentIndex?: number;
  index?: number;
  viewCount?: number;
  lastViewedAt?: number;
  userRating?: number;
  /** When the rating was set (epoch s). */
  lastRatedAt?: number;
  /** When the metadata last changed (epoch s); watching or rating does not move it. */
  updatedAt?: number;
}

export interface PlexSectionRef {
  id: string;
  type: 'movie' | 'show';
  title: string;
}

export interface PlexPage {
  items: PlexMeta[];
  totalSize: number;
}

export interface SyncPlex {
  machineIdentifier: string;
  /** The selected movie and show sections. */
  sections(): Promise<PlexSectionRef[]>;
  /** One page of `/library/sections/{id}/all?type=&includeGuids=1` plus media-query filters and `sort` (e.g. `lastViewedAt>>`, `sort: 'lastViewedAt:desc'`); size 0 asks for the total only. */
  items(sectionId: string, type: 1 | 2 | 4, page: { start: number; size: number; filters?: Record<string, string> }): Promise<PlexPage>;
  /** Marks an item watched (`/:/scrobble`). */
  markWatched(ratingKey: string): Promise<void>;
  /** Marks an item unwatched (`/:/unscrobble`): only for "Mirror un-watching". */
  markUnwatched(ratingKey: string): Promise<void>;
  /** Sets the user rating (0-10, Plex's scale; null clears it: an undo puts back "no rating"). */
  rate(ratingKey: string, rating: number | null): Promise<void>;
  /** One item's watched state and rating now (`/library/metadata/{ratingKey}`): how a write whose answer was lost is settled. */
  itemState(ratingKey: string): Promise<PlexItemState | null>;
}

export interface SyncPorts {
  /** The connected Plex server (read with the owner's token), or null with why not. */
  plex(): Promise<SyncPlex | null>;
  /** The connected Trakt account's client, or null. */
  trakt(): Promise<SyncTrakt | null>;
  /**
   * Everyone a run covers, the owner first (src/sync/household.ts); the owner's sides come
   * from `owner` (the run passes these very ports, so a port replaced in a copy counts) unless
   * they have a Trakt account of their own. Without it a run covers the owner alone.
   */
  household?(owner: Pick<SyncPorts, 'plex' | 'trakt'>): Promise<SyncPerson[]>;
  /** Any connected Trakt account's client (an undo takes a person's plays back through their own account); null when not connected. */
  traktFor?(accountId: number): Promise<SyncTrakt | null>;
}

/** One person's two sides: the Plex server read with their own token (their scope), their own Trakt account's client. */
export interface PersonSides {
  plex: SyncPlex;
  trakt: SyncTrakt;
}

/** A person of the household as a run sees them. */
export interface SyncPerson {
  /** Account.id as webhooks carry it (1 = the server owner). */
  plexAccountId: number;
  name: string;
  /** Why a run leaves them out, as a sentence (no Trakt account, no Plex token, sync off); null when they are synced. */
  skipped: string | null;
  /** Their sides, or a sentence saying why they cannot be opened now. */
  open(): Promise<PersonSides | string>;
}
