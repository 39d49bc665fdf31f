/**
 * One library item as PMS writes it in a `Metadata` list (API.md B.4), for one account:
 * fields that are unset are omitted, not null (no `viewCount`/`lastViewedAt`/`userRating`
 * until there is one); `Guid[]` only on request (`includeGuids=1`) and only when the agent
 * has external ids; episodes carry their season and show (keys, guids, titles, indexes).
 */
import type { PlexItem, PlexSection } from './store.js';
import type { WatchStates } from './watch-state.js';

export interface RenderOptions {
  includeGuids: boolean;
  /** Add librarySectionID/Title/Key/UUID on the item (single-item answers, webhooks, sessions). */
  withSection?: PlexSection;
  /** Leave out Media[] (webhook payloads do). */
  noMedia?: boolean;
}

const thumbOf = (item: PlexItem): string => `/library/metadata/${item.ratingKey}/thumb/${item.updatedAt}`;
const artOf = (item: PlexItem): string => `/library/metadata/${item.ratingKey}/art/${item.updatedAt}`;

function media(item: PlexItem): Array<Record<string, unknown>> {
  const container = 'mkv';
  const duration = item.durationMs ?? 0;
  return [
    {
      id: item.rk + 500_000,
      duration,
      bitrate: 9370,
      width: 1920,
      height: 1080,
      aspectRatio: 1.78,
      audioChannels: 6,
      audioCodec: 'ac3',
      videoCodec: 'hevc',
      videoResolution: '1080',
      container,
      videoFrameRate: '24p',
      videoProfile: 'main 10',
      ...(item.editionTitle ? { editionTitle: item.editionTitle } : {}),
      Part: [
        {
          id: item.rk + 900_000,
          key: `/library/parts/${item.rk + 900_000}/${item.addedAt}/file.${container}`,
          duration,
          file: item.file,
          size: Math.round(duration * 1.17),
          container,
          videoProfile: 'main 10',
        },
      ],
    },
  ];
}

/** Watch fields of a leaf for an account, omitted when unset (as PMS does). */
function leafState(item: PlexItem, accountId: number, states: WatchStates): Record<string, number> {
  const s = states.get(accountId, item.ratingKey);
  const out: Record<string, number> = {};
  if (!s) return out;
  if (s.viewOffset) out.viewOffset = s.viewOffset;
  if (s.viewCount > 0) out.viewCount = s.viewCount;
  if (s.lastViewedAt !== undefined) out.lastViewedAt = s.lastViewedAt;
  if (s.userRating !== undefined) out.userRating = s.userRating;
  if (s.lastRatedAt !== undefined) out.lastRatedAt = s.lastRatedAt;
  return out;
}

function containerState(item: PlexItem, accountId: number, states: WatchStates): Record<string, number> {
  const sum = states.summary(accountId, item);
  const own = states.get(accountId, item.ratingKey);
  const out: Record<string, number> = { leafCount: sum.leafCount, viewedLeafCount: sum.viewedLeafCount };
  if (item.type === 'show') out.childCount = item.children?.length ?? 0;
  if (sum.lastViewedAt !== undefined) out.lastViewedAt = sum.lastViewedAt;
  if (own?.userRating !== undefined) out.userRating = own.userRating;
  if (own?.lastRatedAt !== undefined) out.lastRatedAt = own.lastRatedAt;
  return out;
}

function sectionFields(section: PlexSection | undefined): Record<string, unknown> {
  if (!section) return {};
  return { librarySectionTitle: section.title, librarySectionID: section.id, librarySectionKey: `/library/sections/${section.id}` };
}

function guidList(item: PlexItem, opts: RenderOptions): Record<string, unknown> {
  return opts.includeGuids && item.externalGuids.length ? { Guid: item.externalGuids.map((id) => ({ id })) } : {};
}

export function renderItem(item: PlexItem, accountId: number, states: WatchStates, opts: RenderOptions): Record<string, unknown> {
  const base = { ratingKey: item.ratingKey };
  switch (item.type) {
    case 'movie':
      return {
        ...base,
        key: `/library/metadata/${item.ratingKey}`,
        guid: item.guid,
        ...(item.editionTitle ? { editionTitle: item.editionTitle } : {}),
        type: 'movie',
        title: item.title,
        ...sectionFields(opts.withSection),
        contentRating: 'PG-13',
        summary: `${item.title} (${item.year}), an emulated movie.`,
        year: item.year,
        thumb: thumbOf(item),
        art: artOf(item),
        duration: item.durationMs,
        originallyAvailableAt: item.originallyAvailableAt,
        addedAt: item.addedAt,
        updatedAt: item.updatedAt,
        ...leafState(item, accountId, states),
        ...(opts.noMedia ? {} : { Media: media(item) }),
        ...guidList(item, opts),
      };
    case 'show':
      return {
        ...base,
        key: `/library/metadata/${item.ratingKey}/children`,
        guid: item.guid,
        type: 'show',
        title: item.title,
        ...sectionFields(opts.withSection),
        contentRating: 'TV-14',
        summary: `${item.title}, an emulated show.`,
        index: 1,
        year: item.year,
        thumb: thumbOf(item),
        art: artOf(item),
        duration: item.durationMs,
        originallyAvailableAt: item.originallyAvailableAt,
        ...containerState(item, accountId, states),
        addedAt: item.addedAt,
        updatedAt: item.updatedAt,
        ...guidList(item, opts),
      };
    case 'season': {
      const show = item.show!;
      return {
        ...base,
        key: `/library/metadata/${item.ratingKey}/children`,
        parentRatingKey: show.ratingKey,
        guid: item.guid,
        parentGuid: show.guid,
        type: 'season',
        title: item.title,
        parentKey: `/library/metadata/${show.ratingKey}`,
        parentTitle: show.title,
        ...sectionFields(opts.withSection),
        summary: '',
        index: item.index,
        parentIndex: 1,
        parentYear: show.year,
        thumb: thumbOf(item),
        parentThumb: thumbOf(show),
        ...containerState(item, accountId, states),
        addedAt: item.addedAt,
        updatedAt: item.updatedAt,
        ...guidList(item, opts),
      };
    }
    case 'episode': {
      const season = item.parent!;
      const show = item.show!;
      return {
        ...base,
        key: `/library/metadata/${item.ratingKey}`,
        parentRatingKey: season.ratingKey,
        grandparentRatingKey: show.ratingKey,
        guid: item.guid,
        parentGuid: season.guid,
        grandparentGuid: show.guid,
        type: 'episode',
        title: item.title,
        grandparentKey: `/library/metadata/${show.ratingKey}`,
        parentKey: `/library/metadata/${season.ratingKey}`,
        ...sectionFields(opts.withSection),
        grandparentTitle: show.title,
        parentTitle: season.title,
        contentRating: 'TV-14',
        summary: `${show.title} ${season.title}, episode ${item.index}.`,
        index: item.index,
        parentIndex: season.index,
        year: item.year,
        thumb: thumbOf(item),
        art: artOf(show),
        parentThumb: thumbOf(season),
        grandparentThumb: thumbOf(show),
        grandparentArt: artOf(show),
        duration: item.durationMs,
        originallyAvailableAt: item.originallyAvailableAt,
        addedAt: item.addedAt,
        updatedAt: item.updatedAt,
        ...leafState(item, accountId, states),
        ...(opts.noMedia ? {} : { Media: media(item) }),
        ...guidList(item, opts),
      };
    }
  }
}
