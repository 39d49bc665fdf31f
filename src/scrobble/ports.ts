/**
 * What the event worker needs from the rest of the service, as narrow interfaces: the
 * Trakt client (engineer A), the Plex server client and settings (engineer B). src/context.ts
 * wires the real ones (see wiring.ts); tests pass emulator-backed or in-memory ones.
 */
import type { ExternalIds } from '../ledger/item-key.js';
import type { HistoryProbe } from '../ledger/trakt-history-read.js';

/** Trakt's answer to one write, after the client's own retries (429, 5xx, one token refresh). */
export interface TraktAnswer {
  status: number;
  body: unknown;
}

export interface TraktWriter {
  /** POSTs `body` to `path` (e.g. `/scrobble/start`); throws only when no answer came (network, timeout, retries spent). */
  post(path: string, body: unknown): Promise<TraktAnswer>;
  /** Looks for a play around a ledger row's time, to settle intents a crash left behind. */
  probe: HistoryProbe;
}

export interface PlexPosition {
  viewOffset?: number | null;
  duration?: number | null;
}

export interface PlexLookups {
  /**
   * The live session's position for this item on this player (GET /status/sessions), or null.
   * Without a player, only an item played in one session counts (never another viewer's position).
   */
  sessionPosition(ratingKey: string, player?: string | null): Promise<PlexPosition | null>;
  /** The item's stored position (GET /library/metadata/{ratingKey}), or null. */
  itemPosition(ratingKey: string): Promise<PlexPosition | null>;
  /** A show's external ids (GET /library/metadata/{grandparentRatingKey}); the worker caches them. */
  showIds(ratingKey: string): Promise<ExternalIds | null>;
}

export interface ConnectedServer {
  /**
   * The machine identifier webhooks carry as Server.uuid; null while a connected server has not
   * said who it is (it did not answer yet): then no event can be told to be its, and events wait.
   */
  uuid: string | null;
  /** The plex.tv username of the connected (owner) account, matched against Account.title. */
  ownerUsername?: string | null;
}

export interface TraktAccountInfo {
  id: number;
  username: string;
}

export interface ScrobblePorts {
  /** The connected Plex server, or null when none is connected (then any server's events are accepted). */
  connectedServer(): Promise<ConnectedServer | null>;
  /** Whether events from this library section are wanted (default: every movie and show library). */
  librarySelected(sectionId: string): Promise<boolean>;
  /** The Trakt account the server owner's events go to, or null when Trakt is not connected. */
  defaultTraktAccount(): Promise<number | null>;
  /** Every connected Trakt account (for the account-mapping table). */
  traktAccounts(): Promise<TraktAccountInfo[]>;
  /** A writer for one Trakt account, or null when it cannot write (disconnected, no client id). */
  traktWriter(accountId: number): Promise<TraktWriter | null>;
  /** Plex server lookups, or null when no server is reachable. */
  plex(): Promise<PlexLookups | null>;
}
