/**
 * The shapes Plex sends (PMS JSON with `Accept: application/json`, plex.tv API v2), as far
 * as this service reads them. Fields Plex omits when empty are optional; everything else
 * Plex adds passes through untouched.
 */

/** One entry of an item's `Guid[]` (modern agents): `imdb://tt…`, `tmdb://…`, `tvdb://…`. */
export interface PlexGuidTag {
  id: string;
}

export interface PlexPart {
  id?: number;
  file?: string;
  duration?: number;
}

export interface PlexMedia {
  id?: number;
  duration?: number;
  Part?: PlexPart[];
}

/** A library item (movie, show, season, episode) as PMS lists it. */
export interface PlexMetadata {
  ratingKey: string;
  key?: string;
  type: string;
  title?: string;
  year?: number;
  guid?: string;
  Guid?: PlexGuidTag[];
  editionTitle?: string;
  librarySectionID?: number | string;
  librarySectionTitle?: string;
  parentRatingKey?: string;
  parentIndex?: number;
  parentGuid?: string;
  grandparentRatingKey?: string;
  grandparentTitle?: string;
  grandparentGuid?: string;
  index?: number;
  duration?: number;
  viewOffset?: number;
  viewCount?: number;
  /** Epoch seconds. */
  lastViewedAt?: number;
  /** 0-10, only when rated. */
  userRating?: number;
  addedAt?: number;
  updatedAt?: number;
  leafCount?: number;
  viewedLeafCount?: number;
  originallyAvailableAt?: string;
  Media?: PlexMedia[];
  [extra: string]: unknown;
}

export type PlexSectionType = 'movie' | 'show' | 'artist' | 'photo' | string;

/** A library section from `/library/sections`. */
export interface PlexSection {
  key: string;
  type: PlexSectionType;
  title: string;
  agent?: string;
  uuid?: string;
}

export interface PlexIdentity {
  machineIdentifier: string;
  version?: string;
  claimed?: boolean;
}

/** One live playback from `/status/sessions`: the item plus who and where. */
export interface PlexSession extends PlexMetadata {
  sessionKey?: string;
  User?: { id?: string | number; title?: string };
  Player?: { title?: string; machineIdentifier?: string; state?: string; local?: boolean };
}

/** plex.tv `POST /api/v2/pins` and `GET /api/v2/pins/{id}`. */
export interface PlexPin {
  id: number;
  code: string;
  expiresIn?: number;
  expiresAt?: string;
  authToken: string | null;
}

/** plex.tv `GET /api/v2/user`. */
export interface PlexTvUser {
  id: number;
  uuid?: string;
  username: string;
  title?: string;
  email?: string;
  thumb?: string;
}

export interface PlexConnection {
  protocol?: string;
  address?: string;
  port?: number;
  uri: string;
  local: boolean;
  relay: boolean;
  IPv6?: boolean;
}

/** One device from plex.tv `GET /api/v2/resources`; servers `provides` "server". */
export interface PlexResource {
  name: string;
  product?: string;
  productVersion?: string;
  clientIdentifier: string;
  provides: string;
  owned: boolean;
  accessToken?: string | null;
  presence?: boolean;
  connections: PlexConnection[];
}
