/**
 * The canonical identity of a movie or episode, from its external ids only (never a
 * title). The webhook worker and the sync derive it from the same Plex metadata, so
 * the same item always gets the same key, and the ledger can say "already sent".
 */
import crypto from 'node:crypto';

export interface ExternalIds {
  imdb?: string | null;
  tmdb?: number | null;
  tvdb?: number | null;
  trakt?: number | null;
}

export type MediaRef =
  | { type: 'movie'; ids: ExternalIds }
  | {
      type: 'episode';
      /** The episode's own ids, when known. */
      ids: ExternalIds;
      /** The show's ids plus numbering, used when the episode has no ids of its own. */
      show?: ExternalIds;
      season?: number;
      number?: number;
    };

function firstId(ids: ExternalIds | undefined): string | undefined {
  if (!ids) return undefined;
  if (ids.imdb) return `imdb:${ids.imdb}`;
  if (ids.tmdb) return `tmdb:${ids.tmdb}`;
  if (ids.tvdb) return `tvdb:${ids.tvdb}`;
  if (ids.trakt) return `trakt:${ids.trakt}`;
  return undefined;
}

function firstEpisodeId(ids: ExternalIds | undefined): string | undefined {
  // Episode imdb ids are often missing or shared with the show; tvdb, then tmdb, are the stable ones.
  if (!ids) return undefined;
  if (ids.tvdb) return `tvdb:${ids.tvdb}`;
  if (ids.tmdb) return `tmdb:${ids.tmdb}`;
  if (ids.imdb) return `imdb:${ids.imdb}`;
  if (ids.trakt) return `trakt:${ids.trakt}`;
  return undefined;
}

/** `movie:imdb:tt0133093`, `episode:tvdb:349232`, `episode:show:tvdb:81189:s1e5`; undefined when there is no usable id. */
export function itemKey(ref: MediaRef): string | undefined {
  if (ref.type === 'movie') {
    const id = firstId(ref.ids);
    return id && `movie:${id}`;
  }
  const own = firstEpisodeId(ref.ids);
  if (own) return `episode:${own}`;
  const show = firstId(ref.show);
  if (show && ref.season !== undefined && ref.number !== undefined) return `episode:show:${show}:s${ref.season}e${ref.number}`;
  return undefined;
}

/** A short hash of every id, so "Trakt did not know these ids" can be forgotten once the ids change. */
export function idsHash(ref: MediaRef): string {
  const parts = [ref.type, JSON.stringify(ref.ids ?? {})];
  if (ref.type === 'episode') parts.push(JSON.stringify(ref.show ?? {}), String(ref.season), String(ref.number));
  return crypto.createHash('sha1').update(parts.join('|')).digest('base64url').slice(0, 16);
}
