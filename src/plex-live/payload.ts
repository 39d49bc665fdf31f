/**
 * A live session step as a webhook-shaped payload, so the event goes through the same
 * table, rules and worker as a Plex webhook: Account and Player from `/status/sessions`,
 * Metadata (ids, duration, numbering) from `/library/metadata/{ratingKey}`, the position
 * from the notification, and a `Live` part saying what the listener saw.
 */
import type { PlexMetadata } from '../plex/types.js';
import type { LiveEventName, SessionWho } from './tracker.js';

export interface LiveServer {
  uuid: string | null;
  title: string | null;
}

export interface LivePayloadInput {
  event: LiveEventName;
  who: SessionWho;
  server: LiveServer;
  item: PlexMetadata;
  viewOffset: number;
  sessionKey: string;
  /** The notification's state (`stopped`, `playing`…), or `vanished` for a session that went quiet and left. */
  state: string;
  threshold: number;
}

const METADATA_FIELDS = [
  'type', 'title', 'grandparentTitle', 'year', 'index', 'parentIndex', 'ratingKey', 'grandparentRatingKey', 'parentRatingKey',
  'librarySectionID', 'librarySectionTitle', 'guid', 'Guid', 'duration',
] as const;

export function livePayload(i: LivePayloadInput): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  for (const k of METADATA_FIELDS) if (i.item[k] !== undefined) m[k] = i.item[k];
  // Only the file names: the identity reads them for multi-episode files (S01E01-E02).
  const files = (i.item.Media ?? []).map((md) => ({ Part: (md.Part ?? []).map((p) => ({ file: p.file })) }));
  if (files.length) m.Media = files;
  m.viewOffset = Math.round(i.viewOffset);
  return {
    event: i.event,
    user: true,
    owner: i.who.accountId === 1,
    Account: { ...(i.who.accountId !== null ? { id: i.who.accountId } : {}), ...(i.who.accountTitle ? { title: i.who.accountTitle } : {}) },
    Server: { ...(i.server.uuid ? { uuid: i.server.uuid } : {}), ...(i.server.title ? { title: i.server.title } : {}) },
    Player: { ...(i.who.playerTitle ? { title: i.who.playerTitle } : {}), ...(i.who.playerUuid ? { uuid: i.who.playerUuid } : {}) },
    Metadata: m,
    Live: { sessionKey: i.sessionKey, state: i.state, threshold: i.threshold },
  };
}
