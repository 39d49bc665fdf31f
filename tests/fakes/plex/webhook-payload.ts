/**
 * The JSON a Plex server posts for an event (API.md B.5), built from the emulated server's
 * own item and account: `event`, `user`, `owner`, `Account` (the owner is always id 1 with
 * the plex username as title; others their own ids), `Server{title,uuid}`,
 * `Player{local,publicAddress,title,uuid}` and `Metadata` (as PMS renders the item for that
 * account, with `Guid[]` for modern agents, `viewOffset` when Plex knows a position, no
 * Media); `media.rate` adds the top-level `rating`. Building changes nothing.
 */
import { OWNER_ID } from './accounts.js';
import { renderItem } from './metadata.js';
import type { PlexServerFake } from './pms.js';
import { DEFAULT_PLAYER } from './resources.js';

export type WebhookEvent =
  | 'media.play'
  | 'media.pause'
  | 'media.resume'
  | 'media.stop'
  | 'media.scrobble'
  | 'media.rate'
  | 'library.new'
  | 'library.on.deck'
  | 'playback.started'
  | 'admin.database.backup'
  | 'admin.database.corrupted'
  | 'device.new';

/** Events Plex sends with a poster (`thumb` part) [S14]. */
export const EVENTS_WITH_THUMB: ReadonlySet<string> = new Set(['media.play', 'media.rate', 'library.new', 'library.on.deck', 'playback.started']);

export interface WebhookInput {
  event: WebhookEvent | (string & {});
  /** The item: ratingKey or library-model key. Admin/device events have none. */
  ref?: string;
  /** Who did it (model account id); default the owner. */
  accountId?: number;
  /** Position to report; null = none. Default: the account's session on the item, else its saved position. */
  viewOffsetMs?: number | null;
  /** media.rate: the rating (0-10); default the account's rating of the item. */
  rating?: number;
  player?: Partial<{ local: boolean; publicAddress: string; title: string; uuid: string }>;
  /** Overrides of the top-level flags (default: user = the owner acted, owner = true). */
  user?: boolean;
  owner?: boolean;
  /** Fields merged over Metadata (to test odd payloads). */
  metadata?: Record<string, unknown>;
  /** Keep Media[] in Metadata (Plex leaves it out). */
  includeMedia?: boolean;
}

export type PlexWebhookPayload = Record<string, unknown> & { event: string };

export function buildWebhookPayload(pms: PlexServerFake, input: WebhookInput): PlexWebhookPayload {
  const accountId = input.accountId ?? OWNER_ID;
  const account = pms.accounts.get(accountId);
  const payload: PlexWebhookPayload = {
    event: input.event,
    user: input.user ?? account.owner,
    owner: input.owner ?? true,
    Account: { id: account.id, thumb: account.thumb, title: account.username },
    Server: { title: pms.name, uuid: pms.machineIdentifier },
    Player: {
      local: true,
      publicAddress: DEFAULT_PLAYER.publicAddress,
      title: DEFAULT_PLAYER.title,
      uuid: DEFAULT_PLAYER.uuid,
      ...input.player,
    },
  };
  if (input.ref === undefined) return payload;

  const item = pms.resolve(input.ref);
  const section = pms.store.sections.get(item.sectionId)!;
  const metadata: Record<string, unknown> = {
    librarySectionType: section.type,
    ...renderItem(item, accountId, pms, { includeGuids: true, withSection: true, noMedia: !input.includeMedia }),
  };
  const media = input.event.startsWith('media.') || input.event === 'playback.started';
  delete metadata.viewOffset;
  if (media && input.viewOffsetMs !== null) {
    const session = pms.sessions.all().find((s) => s.accountId === accountId && s.ratingKey === item.ratingKey);
    const offset = input.viewOffsetMs ?? session?.viewOffsetMs ?? pms.states.get(accountId, item.rk)?.viewOffset;
    if (offset !== undefined) metadata.viewOffset = offset;
  }
  if (input.event === 'media.rate') {
    const rating = input.rating ?? pms.states.get(accountId, item.rk)?.userRating;
    if (rating !== undefined) {
      payload.rating = rating;
      metadata.userRating = rating;
    }
  }
  payload.Metadata = { ...metadata, ...input.metadata };
  return payload;
}
