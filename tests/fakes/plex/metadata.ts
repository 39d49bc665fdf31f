/**
 * One library item as PMS writes it in a `Metadata` list (API.md B.4), for one account:
 * fields that are unset are omitted, not null (no `viewCount`/`lastViewedAt`/`userRating`
 * until there is one); `Guid[]` only on request (`includeGuids=1`) and only when the agent
 * has external ids; episodes carry their season and show (keys, guids, titles, indexes).
 * Built by assignment, not spreads: listings render thousands of these per page.
 */
import type { PlexItem, PlexSection, PlexStore } from './store.js';
import type { WatchStates } from './watch-state.js';

export interface RenderContext {
  store: PlexStore;
  states: WatchStates;
}

export interface RenderOptions {
  includeGuids: boolean;
  /** Add librarySectionTitle/ID/Key on the item (single-item answers, webhooks, sessions). */
  withSection?: boolean;
  /** Leave out Media[] (webhook payloads do). */
  noMedia?: boolean;
  /**
   * Only what a sync reads (ids, titles, indexes, watch state, times, the media file): no
   * summary, artwork or stream details. A benchmark knob; real servers send everything.
   */
  lean?: boolean;
}

type Out = Record<string, unknown>;

const pad = (n: number): string => String(n).padStart(2, '0');
const thumbOf = (item: PlexItem): string => `/library/metadata/${item.ratingKey}/thumb/${item.updatedAt}`;
const artOf = (item: PlexItem): string => `/library/metadata/${item.ratingKey}/art/${item.updatedAt}`;

/** The media file path: `Title (Year)/Title (Year).mkv`, or `Show (Year)/Season 01/Show (Year) - S01E01-E02.mkv`. */
export function mediaFile(item: PlexItem, section: PlexSection | undefined): string {
  const root = section?.location ?? '/data/media';
  if (item.type === 'movie') {
    const name = `${item.title} (${item.year})`;
    return `${root}/${name}/${name}${item.editionTitle ? ` {edition-${item.editionTitle}}` : ''}.mkv`;
  }
  const show = item.show!;
  const season = item.parent!.index!;
  const first = item.fileFirst ?? item.index!;
  const last = item.fileLast ?? first;
  const name = `${show.title} (${show.year})`;
  return `${root}/${name}/${season === 0 ? 'Specials' : `Season ${pad(season)}`}/${name} - S${pad(season)}E${pad(first)}${last > first ? `-E${pad(last)}` : ''}.mkv`;
}

function media(item: PlexItem, section: PlexSection | undefined, lean: boolean): Out[] {
  const duration = item.durationMs ?? 0;
  const partId = item.rk + 900_000;
  if (lean) return [{ id: item.rk + 500_000, duration, Part: [{ id: partId, file: mediaFile(item, section) }] }];
  const m: Out = {
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
    container: 'mkv',
    videoFrameRate: '24p',
    videoProfile: 'main 10',
  };
  if (item.editionTitle) m.editionTitle = item.editionTitle;
  m.Part = [{ id: partId, key: `/library/parts/${partId}/${item.addedAt}/file.mkv`, duration, file: mediaFile(item, section), size: Math.round(duration * 1.17), container: 'mkv', videoProfile: 'main 10' }];
  return [m];
}

/** Watch fields of a movie or episode for an account, only those that are set. */
function leafState(out: Out, item: PlexItem, accountId: number, states: WatchStates): void {
  const s = states.get(accountId, item.rk);
  if (!s) return;
  if (s.viewOffset) out.viewOffset = s.viewOffset;
  if (s.viewCount > 0) out.viewCount = s.viewCount;
  if (s.lastViewedAt !== undefined) out.lastViewedAt = s.lastViewedAt;
  if (s.userRating !== undefined) out.userRating = s.userRating;
  if (s.lastRatedAt !== undefined) out.lastRatedAt = s.lastRatedAt;
}

/** What a show or season shows about its episodes for an account, plus its own rating. */
function containerState(out: Out, item: PlexItem, accountId: number, states: WatchStates): void {
  const sum = states.summary(accountId, item);
  out.leafCount = sum.leafCount;
  out.viewedLeafCount = sum.viewedLeafCount;
  if (item.type === 'show') out.childCount = item.children?.length ?? 0;
  if (sum.lastViewedAt !== undefined) out.lastViewedAt = sum.lastViewedAt;
  const own = states.get(accountId, item.rk);
  if (own?.userRating !== undefined) out.userRating = own.userRating;
  if (own?.lastRatedAt !== undefined) out.lastRatedAt = own.lastRatedAt;
}

function sectionFields(out: Out, section: PlexSection | undefined): void {
  if (!section) return;
  out.librarySectionTitle = section.title;
  out.librarySectionID = section.id;
  out.librarySectionKey = `/library/sections/${section.id}`;
}

export function renderItem(item: PlexItem, accountId: number, ctx: RenderContext, opts: RenderOptions): Out {
  const section = ctx.store.sections.get(item.sectionId);
  const out: Out = { ratingKey: item.ratingKey };
  const show = item.show;
  const season = item.type === 'episode' ? item.parent : undefined;
  out.key = item.type === 'show' || item.type === 'season' ? `/library/metadata/${item.ratingKey}/children` : `/library/metadata/${item.ratingKey}`;
  if (season) out.parentRatingKey = season.ratingKey;
  if (show) out[season ? 'grandparentRatingKey' : 'parentRatingKey'] = show.ratingKey;
  out.guid = item.guid;
  if (season) out.parentGuid = season.guid;
  if (show) out[season ? 'grandparentGuid' : 'parentGuid'] = show.guid;
  if (item.editionTitle) out.editionTitle = item.editionTitle;
  out.type = item.type;
  out.title = item.title;
  if (show) {
    out[season ? 'grandparentKey' : 'parentKey'] = `/library/metadata/${show.ratingKey}`;
    if (season) out.parentKey = `/library/metadata/${season.ratingKey}`;
  }
  if (opts.withSection) sectionFields(out, section);
  if (show) out[season ? 'grandparentTitle' : 'parentTitle'] = show.title;
  if (season) out.parentTitle = season.title;
  const full = !opts.lean;
  if (full && item.type !== 'season') out.contentRating = item.type === 'movie' ? 'PG-13' : 'TV-14';
  if (full) out.summary = item.type === 'season' ? '' : `${item.title}: an emulated ${item.type}.`;
  if (item.type === 'show') out.index = 1;
  if (item.type === 'episode' || item.type === 'season') out.index = item.index;
  if (season) out.parentIndex = season.index;
  if (item.type === 'season') out.parentIndex = 1;
  out.year = item.year;
  if (full) {
    out.thumb = thumbOf(item);
    if (item.type !== 'season') out.art = artOf(show ?? item);
    if (season) out.parentThumb = thumbOf(season);
    if (show) out[season ? 'grandparentThumb' : 'parentThumb'] = thumbOf(show);
    if (season) out.grandparentArt = artOf(show!);
  }
  if (item.durationMs !== undefined && item.type !== 'season') out.duration = item.durationMs;
  if (item.originallyAvailableAt) out.originallyAvailableAt = item.originallyAvailableAt;
  if (item.type === 'show' || item.type === 'season') containerState(out, item, accountId, ctx.states);
  out.addedAt = item.addedAt;
  out.updatedAt = item.updatedAt;
  if (item.type === 'movie' || item.type === 'episode') {
    leafState(out, item, accountId, ctx.states);
    if (!opts.noMedia) out.Media = media(item, section, !full);
  }
  if (opts.includeGuids && item.externalGuids.length) out.Guid = item.externalGuids.map((id) => ({ id }));
  return out;
}
