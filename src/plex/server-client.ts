/**
 * The Plex Media Server API (API.md B.3-B.5) in JSON: identity, sections, paged library
 * items with their guids, single items and their children, watched state, ratings and
 * live sessions. One instance per server + token; the webhook worker and the sync share it.
 */
import { PlexResponseError } from './errors.js';
import { describeBase, PlexHttp, type PlexHttpOptions, type PlexRetry, type Query } from './http.js';
import type { PlexIdentity, PlexMetadata, PlexSection, PlexSession } from './types.js';

export type PlexServerClientOptions = PlexHttpOptions & { token: string };

/** 1 movie, 2 show, 3 season, 4 episode (PMS `type` numbers). */
export type PlexItemType = 1 | 2 | 3 | 4;

export interface PlexItemsPage {
  items: PlexMetadata[];
  /** The offset this page starts at. */
  start: number;
  /** Items in the whole listing (PMS `totalSize`, else the header, else what came). */
  totalSize: number;
}

export interface PageRequest {
  start: number;
  size: number;
  /** Media-query filters, keys with their operator: `{ 'updatedAt>>': '1700000000', unwatched: '0' }`. */
  filters?: Record<string, string | number>;
}

const LIBRARY = 'com.plexapp.plugins.library';
export const DEFAULT_PAGE_SIZE = 200;
/** A hard bound on pages per listing (a million items at the smallest page). */
const MAX_PAGES = 1_000_000;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Items with a ratingKey, keys as strings (PMS sends strings; a few builds send numbers). */
function toItems(list: unknown): PlexMetadata[] {
  if (!Array.isArray(list)) return [];
  const out: PlexMetadata[] = [];
  for (const m of list) {
    if (!isObject(m) || (typeof m.ratingKey !== 'string' && typeof m.ratingKey !== 'number')) continue;
    const item = { ...m, ratingKey: String(m.ratingKey), type: String(m.type ?? '') } as PlexMetadata;
    for (const k of ['parentRatingKey', 'grandparentRatingKey'] as const) if (typeof m[k] === 'number') item[k] = String(m[k]);
    out.push(item);
  }
  return out;
}

/**
 * A container's list (`Metadata`, `Directory`): missing means empty (PMS leaves it out of an
 * empty container), but one that is not a list, or missing while `size` says there are
 * items, is not what Plex sends: throw rather than take it for an empty library.
 */
function listIn(mc: Record<string, unknown>, field: 'Metadata' | 'Directory', label: string): unknown[] {
  const list = mc[field];
  if (Array.isArray(list)) return list;
  if (list === undefined && !(Number(mc.size) > 0)) return [];
  throw new PlexResponseError(label, list === undefined ? `no ${field} although size is ${String(mc.size)}` : `${field} is not a list`);
}

export class PlexServerClient {
  readonly http: PlexHttp;

  constructor(readonly opts: PlexServerClientOptions) {
    this.http = new PlexHttp('server', `The Plex server at ${describeBase(opts.baseUrl)}`, opts);
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  private async container(path: string, query?: Query, headers?: Record<string, string>): Promise<{ mc: Record<string, unknown>; headers: Headers }> {
    const a = await this.http.json<Record<string, unknown>>('GET', path, { query, headers });
    const mc = a.body.MediaContainer;
    if (!isObject(mc)) throw new PlexResponseError(this.http.label, 'no MediaContainer');
    return { mc, headers: a.headers };
  }

  /** The server's machine identifier and version; proves the URL is a Plex server. */
  async identity(opts: { timeoutMs?: number; retry?: PlexRetry } = {}): Promise<PlexIdentity> {
    const a = await this.http.json<Record<string, unknown>>('GET', '/identity', opts);
    const mc = a.body.MediaContainer;
    if (!isObject(mc) || typeof mc.machineIdentifier !== 'string' || !mc.machineIdentifier) throw new PlexResponseError(this.http.label, 'no machine identifier');
    return {
      machineIdentifier: mc.machineIdentifier,
      version: typeof mc.version === 'string' ? mc.version : undefined,
      claimed: mc.claimed === true || mc.claimed === 1 || mc.claimed === '1',
    };
  }

  /** The server's name, identifier and version from `/` (needs a valid token: proves it). */
  async serverInfo(opts: { timeoutMs?: number; retry?: PlexRetry } = {}): Promise<{ name: string; machineIdentifier: string; version?: string }> {
    const a = await this.http.json<Record<string, unknown>>('GET', '/', opts);
    const mc = a.body.MediaContainer;
    if (!isObject(mc) || typeof mc.machineIdentifier !== 'string') throw new PlexResponseError(this.http.label, 'no machine identifier');
    return {
      name: typeof mc.friendlyName === 'string' && mc.friendlyName ? mc.friendlyName : 'Plex Media Server',
      machineIdentifier: mc.machineIdentifier,
      version: typeof mc.version === 'string' ? mc.version : undefined,
    };
  }

  /** Every library section (movie, show, artist, photo…). Needs a valid token (401 otherwise). */
  async sections(): Promise<PlexSection[]> {
    const { mc } = await this.container('/library/sections');
    return listIn(mc, 'Directory', this.http.label)
      .filter((d): d is Record<string, unknown> => isObject(d) && (typeof d.key === 'string' || typeof d.key === 'number'))
      .map((d) => ({
        key: String(d.key),
        type: String(d.type ?? ''),
        title: typeof d.title === 'string' ? d.title : `Library ${String(d.key)}`,
        agent: typeof d.agent === 'string' ? d.agent : undefined,
        uuid: typeof d.uuid === 'string' ? d.uuid : undefined,
      }));
  }

  /** One page of `/library/sections/{key}/all?type=&includeGuids=1` plus filters. */
  async itemsPage(sectionKey: string, type: PlexItemType, page: PageRequest): Promise<PlexItemsPage> {
    const paging = { 'X-Plex-Container-Start': String(page.start), 'X-Plex-Container-Size': String(page.size) };
    const { mc, headers } = await this.container(
      `/library/sections/${encodeURIComponent(sectionKey)}/all`,
      { type, includeGuids: 1, ...page.filters, ...paging },
      Object.fromEntries(Object.entries(paging).map(([k, v]) => [k.toLowerCase(), v])),
    );
    const items = toItems(listIn(mc, 'Metadata', this.http.label));
    const total = Number(mc.totalSize ?? headers.get('x-plex-container-total-size') ?? NaN);
    // No total announced: a full page means there may be more (iterateItems stops on an empty page).
    const unknown = items.length < page.size ? page.start + items.length : page.start + items.length + page.size;
    return { items, start: page.start, totalSize: Number.isFinite(total) ? total : unknown };
  }

  /**
   * Every page of a listing, in order. A server may force smaller pages than asked, so the
   * next page starts after what came; it stops at the total or an empty page, and never
   * asks for more pages than the announced total has items.
   */
  async *iterateItems(
    sectionKey: string,
    type: PlexItemType,
    opts: { filters?: Record<string, string | number>; pageSize?: number } = {},
  ): AsyncGenerator<PlexItemsPage> {
    const size = Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE);
    let start = 0;
    let maxPages = Infinity;
    for (let n = 0; n < maxPages; n++) {
      const page = await this.itemsPage(sectionKey, type, { start, size, filters: opts.filters });
      if (n === 0) maxPages = Math.min(page.totalSize + 1, MAX_PAGES);
      if (!page.items.length) return;
      yield page;
      start += page.items.length;
      if (start >= page.totalSize) return;
    }
  }

  /** One item with its guids, or null when the server no longer has it. */
  async metadata(ratingKey: string): Promise<PlexMetadata | null> {
    const a = await this.http.request('GET', `/library/metadata/${encodeURIComponent(ratingKey)}`, { query: { includeGuids: 1 }, allow: [404] });
    if (a.status === 404) return null;
    const mc = isObject(a.body) ? a.body.MediaContainer : undefined;
    if (!isObject(mc)) throw new PlexResponseError(this.http.label, 'no MediaContainer');
    return toItems(listIn(mc, 'Metadata', this.http.label))[0] ?? null;
  }

  /** A show's seasons or a season's episodes. */
  async children(ratingKey: string): Promise<PlexMetadata[]> {
    const { mc } = await this.container(`/library/metadata/${encodeURIComponent(ratingKey)}/children`, { includeGuids: 1 });
    return toItems(mc.Metadata);
  }

  /** Every episode of a show. */
  async allLeaves(ratingKey: string): Promise<PlexMetadata[]> {
    const { mc } = await this.container(`/library/metadata/${encodeURIComponent(ratingKey)}/allLeaves`, { includeGuids: 1 });
    return toItems(mc.Metadata);
  }

  /**
   * A write's 2xx must be Plex's (an empty answer or XML/JSON): a web page from something in front
   * of the server says nothing about whether the write was done (src/net/write-answer.ts, unknown).
   */
  private async write(path: string, query: Record<string, string | number>): Promise<void> {
    const a = await this.http.request('PUT', path, { query });
    if ((a.headers.get('content-type') ?? '').includes('text/html')) throw new PlexResponseError(this.http.label, 'a web page instead of its answer to a change');
  }

  /** Marks an item watched for the token's user (Plex stamps the current time). */
  async markWatched(ratingKey: string): Promise<void> {
    await this.write('/:/scrobble', { key: ratingKey, identifier: LIBRARY });
  }

  async markUnwatched(ratingKey: string): Promise<void> {
    await this.write('/:/unscrobble', { key: ratingKey, identifier: LIBRARY });
  }

  /** Sets the user rating on Plex's 0-10 scale; null clears it (Plex takes -1 for that). */
  async rate(ratingKey: string, rating: number | null): Promise<void> {
    if (rating !== null && !(rating >= 0 && rating <= 10)) throw new RangeError(`A Plex rating is between 0 and 10, not ${rating}.`);
    await this.write('/:/rate', { key: ratingKey, identifier: LIBRARY, rating: rating === null ? -1 : rating });
  }

  /** Live playbacks on the server (every user's, for an owner token). */
  async sessions(): Promise<PlexSession[]> {
    const { mc } = await this.container('/status/sessions');
    return toItems(mc.Metadata) as PlexSession[];
  }
}
