/**
 * Which Trakt item(s) a webhook is about, from ids only: the movie's ids, an episode's
 * own ids, else its show's ids (from the guid, or fetched once from the Plex server)
 * plus season and number. A multi-episode file yields every episode it holds.
 */
import type { ExternalIds, MediaRef } from '../ledger/item-key.js';
import { parseGuids } from './guids.js';
import type { WebhookMetadata } from './payload.js';
import { episodesInFile } from './rules.js';

export interface Identified {
  refs: MediaRef[];
  /** Display titles, one per ref. */
  titles: string[];
}

export type ShowIdsLookup = (grandparentRatingKey: string) => Promise<ExternalIds | null>;

const hasIds = (ids: ExternalIds | undefined): ids is ExternalIds => !!ids && !!(ids.imdb || ids.tmdb || ids.tvdb || ids.trakt);
const pad = (n: number) => String(n).padStart(2, '0');

/** Returns the refs, or a sentence saying why the item cannot be matched. */
export async function identify(m: WebhookMetadata, showIds: ShowIdsLookup): Promise<Identified | { unmatched: string }> {
  const parsed = parseGuids(m.guid, m.Guid?.map((g) => g.id));
  if (m.type === 'movie') {
    if (!hasIds(parsed.ids)) return { unmatched: `No imdb, tmdb or tvdb id for this movie (guid ${m.guid ?? 'none'}): match it in Plex with a movie agent.` };
    return { refs: [{ type: 'movie', ids: parsed.ids }], titles: [m.year ? `${m.title} (${m.year})` : String(m.title ?? '')] };
  }

  const season = m.parentIndex ?? parsed.season;
  const index = m.index ?? parsed.episode;
  const own = hasIds(parsed.ids) ? parsed.ids : undefined;
  let show = hasIds(parsed.show) ? parsed.show : undefined;
  const numbers = season !== undefined && index !== undefined ? episodesInFile(m.Media?.[0]?.Part?.[0]?.file, season, index) : [];

  // Show ids are needed when the episode has none of its own, or for the extra episodes of a multi-episode file.
  if (!show && (!own || numbers.length > 1) && m.grandparentRatingKey) show = (await showIds(m.grandparentRatingKey)) ?? undefined;

  const refs: MediaRef[] = [];
  const titles: string[] = [];
  const name = (n: number) => [m.grandparentTitle, `S${pad(season ?? 0)}E${pad(n)}`].filter(Boolean).join(' · ');
  if (own) {
    refs.push({ type: 'episode', ids: own, ...(show && season !== undefined && index !== undefined ? { show, season, number: index } : {}) });
    titles.push(index !== undefined ? name(index) : String(m.title ?? ''));
  } else if (show && season !== undefined && index !== undefined) {
    refs.push({ type: 'episode', ids: {}, show, season, number: index });
    titles.push(name(index));
  } else {
    return { unmatched: `No episode ids and no show ids with season and number (guid ${m.guid ?? 'none'}): refresh the show's metadata in Plex.` };
  }
  if (show && season !== undefined) {
    for (const n of numbers.slice(1)) {
      refs.push({ type: 'episode', ids: {}, show, season, number: n });
      titles.push(name(n));
    }
  }
  return { refs, titles };
}
