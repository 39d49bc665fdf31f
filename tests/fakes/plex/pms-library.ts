/**
 * The library routes of the emulated server (API.md B.4): sections, paged section listings
 * with media queries, single items, children and leaves. Paging follows PMS:
 * `X-Plex-Container-Start`/`-Size` as headers or query parameters, answered with the same
 * headers plus `X-Plex-Container-Total-Size` and `offset`/`size`/`totalSize` in the body;
 * size 0 gives only the total.
 */
import type { FakeRequest, FakeResponse } from '../kit/server.js';
import { plexParam, pmsBadRequest, pmsJsonStream, pmsNotFound, pmsReply, wantsJson } from './http.js';
import { applyMediaQuery, parseMediaQuery } from './media-query.js';
import { renderItem } from './metadata.js';
import { TYPE_NUMBER, type PlexItem, type PlexSection, type PlexStore } from './store.js';
import type { WatchStates } from './watch-state.js';

export interface LibraryContext {
  store: PlexStore;
  states: WatchStates;
  nowSec(): number;
  /** Cap every page at this size, as "some endpoints will force pagination". */
  forcePageSize?: number;
  /** Render listings lean (see RenderOptions.lean). */
  lean?: boolean;
}

const VIEW_GROUP: Record<number, string> = { 1: 'movie', 2: 'show', 3: 'season', 4: 'episode' };
const TITLE2: Record<number, string> = { 1: 'All Movies', 2: 'All Shows', 3: 'All Seasons', 4: 'All Episodes' };

function scannerOf(s: PlexSection): string {
  const modern = s.agent.startsWith('tv.plex.agents');
  if (s.type === 'movie') return modern ? 'Plex Movie' : 'Plex Movie Scanner';
  return modern ? 'Plex TV Series' : 'Plex Series Scanner';
}

export function sectionDirectory(s: PlexSection, nowSec: number): Record<string, unknown> {
  return {
    allowSync: true,
    art: `/:/resources/${s.type}-fanart.jpg`,
    composite: `/library/sections/${s.id}/composite/${nowSec}`,
    filters: true,
    refreshing: false,
    thumb: `/:/resources/${s.type}.png`,
    key: String(s.id),
    type: s.type,
    title: s.title,
    agent: s.agent,
    scanner: scannerOf(s),
    language: s.agent === 'com.plexapp.agents.none' ? 'xn' : 'en-US',
    uuid: s.uuid,
    updatedAt: s.createdAt + 86_400,
    createdAt: s.createdAt,
    scannedAt: nowSec,
    content: true,
    directory: true,
    contentChangedAt: 18_253_756,
    hidden: 0,
    Location: [{ id: s.id, path: s.location }],
  };
}

export function listSections(req: FakeRequest, ctx: LibraryContext): FakeResponse {
  const dirs = [...ctx.store.sections.values()].map((s) => sectionDirectory(s, ctx.nowSec()));
  return pmsReply(req, 200, { size: dirs.length, allowSync: false, title1: 'Plex Library', Directory: dirs });
}

function intParam(req: FakeRequest, name: string): number | undefined | null {
  const raw = plexParam(req, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/** One page of `all` for the account, with PMS's paging headers and fields. */
function paged(req: FakeRequest, ctx: LibraryContext, all: PlexItem[], accountId: number, container: Record<string, unknown>): FakeResponse {
  const start = intParam(req, 'X-Plex-Container-Start');
  const size = intParam(req, 'X-Plex-Container-Size');
  if (start === null || size === null) return pmsBadRequest('X-Plex-Container-Start and -Size must be whole numbers');
  const paginated = start !== undefined || size !== undefined || ctx.forcePageSize !== undefined;
  const offset = start ?? 0;
  let count = size ?? all.length;
  if (ctx.forcePageSize !== undefined) count = Math.min(count, ctx.forcePageSize);
  const page = all.slice(offset, offset + count);
  const opts = { includeGuids: req.query.get('includeGuids') === '1', lean: ctx.lean };
  const body: Record<string, unknown> = { size: page.length, ...container, offset, totalSize: all.length };
  const headers: Record<string, string> = paginated ? { 'X-Plex-Container-Start': String(offset), 'X-Plex-Container-Total-Size': String(all.length) } : {};
  if (wantsJson(req)) return pmsJsonStream(200, body, page, (item) => renderItem(item, accountId, ctx, opts), headers);
  if (page.length) body.Metadata = page.map((item) => renderItem(item, accountId, ctx, opts));
  return pmsReply(req, 200, body, headers);
}

function sectionContainer(s: PlexSection, typeNumber: number): Record<string, unknown> {
  return {
    allowSync: true,
    art: `/:/resources/${s.type}-fanart.jpg`,
    identifier: 'com.plexapp.plugins.library',
    librarySectionID: s.id,
    librarySectionTitle: s.title,
    librarySectionUUID: s.uuid,
    mediaTagPrefix: '/system/bundle/media/flags/',
    mediaTagVersion: 1_690_992_652,
    thumb: `/:/resources/${s.type}.png`,
    title1: s.title,
    title2: TITLE2[typeNumber],
    viewGroup: VIEW_GROUP[typeNumber],
    viewMode: 65_592,
  };
}

/** `/library/sections/{id}/all` (and `/allLeaves`, which is type 4). */
export function sectionItems(req: FakeRequest, ctx: LibraryContext, accountId: number, sectionId: number, leaves: boolean): FakeResponse {
  const section = ctx.store.sections.get(sectionId);
  if (!section) return pmsNotFound();
  const rawType = req.query.get('type');
  const typeNumber = leaves ? 4 : rawType === null ? (section.type === 'movie' ? 1 : 2) : Number(rawType);
  if (![1, 2, 3, 4].includes(typeNumber)) return pmsBadRequest(`unsupported type ${rawType}`);
  const query = parseMediaQuery(req.query, typeNumber, ctx.nowSec());
  if ('error' in query) return pmsBadRequest(query.error);
  const base = ctx.store.list(sectionId, typeNumber);
  const noQuery = !query.filters.length && !query.sort.length && query.limit === undefined;
  const all = noQuery
    ? base
    : query.cacheKey === null
      ? applyMediaQuery(base, query, accountId, ctx.states)
      : ctx.store.cached(`${accountId}|${sectionId}|${typeNumber}|${query.cacheKey}|${query.limit}`, () => applyMediaQuery(base, query, accountId, ctx.states));
  return paged(req, ctx, all, accountId, sectionContainer(section, typeNumber));
}

/** `/library/metadata/{ids}` (comma-separated ratingKeys). */
export function metadataItems(req: FakeRequest, ctx: LibraryContext, accountId: number, ids: string): FakeResponse {
  const items = ids.split(',').map((id) => ctx.store.get(id)).filter((i): i is PlexItem => !!i);
  if (!items.length) return pmsNotFound();
  const includeGuids = req.query.get('includeGuids') === '1';
  const section = ctx.store.sections.get(items[0]!.sectionId)!;
  return pmsReply(req, 200, {
    size: items.length,
    allowSync: true,
    identifier: 'com.plexapp.plugins.library',
    librarySectionID: section.id,
    librarySectionTitle: section.title,
    librarySectionUUID: section.uuid,
    mediaTagPrefix: '/system/bundle/media/flags/',
    mediaTagVersion: 1_690_992_652,
    Metadata: items.map((item) => renderItem(item, accountId, ctx, { includeGuids, withSection: true })),
  });
}

/** `/library/metadata/{rk}/children` (show → seasons, season → episodes) and `/allLeaves` (→ episodes). */
export function childItems(req: FakeRequest, ctx: LibraryContext, accountId: number, ratingKey: string, kind: 'children' | 'allLeaves'): FakeResponse {
  const parent = ctx.store.get(ratingKey);
  if (!parent) return pmsNotFound();
  const list = kind === 'children' ? (parent.children ?? []) : parent.type === 'show' ? (parent.leaves ?? []) : parent.type === 'season' ? (parent.children ?? []) : [];
  const section = ctx.store.sections.get(parent.sectionId)!;
  const typeNumber = list[0] ? TYPE_NUMBER[list[0].type] : 4;
  return paged(req, ctx, list, accountId, {
    ...sectionContainer(section, typeNumber),
    key: parent.ratingKey,
    parentTitle: parent.title,
    parentYear: parent.year,
    title2: parent.title,
  });
}
