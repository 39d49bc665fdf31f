/**
 * A small Plex Media Server stand-in for the sync tests, seeded from the shared library
 * model (tests/fakes/library/model.ts): sections, paged `/library/sections/{id}/all` with
 * `includeGuids`, the media queries the sync asks (`updatedAt>>`, `lastViewedAt>>`,
 * `lastRatedAt>>`, `userRating>>`, `unwatched`, `sort=field:desc`, size 0 for a total),
 * `/:/scrobble`, `/:/unscrobble` and `/:/rate`. As a real server: watching and rating move
 * `lastViewedAt`/`lastRatedAt`, never `updatedAt` (the metadata's time), and an un-watch
 * leaves no time at all. It serves only what the sync reads; engineer B's full Plex emulator
 * (tests/fakes/plex/) replaces it when it lands.
 */
import { FakeServer, type FakeRequest, type FakeResponse } from '../fakes/kit/server.js';
import type { AgentStyle, ExternalIds, Library, PlexState } from '../fakes/library/model.js';
import type { PlexMeta, PlexPage, PlexSectionRef, SyncPlex } from '../../src/sync/ports.js';

interface Item {
  meta: PlexMeta;
  sectionId: number;
  state: PlexState;
  updatedAt: number;
  lastRatedAt?: number;
}

const hex = (n: number) => n.toString(16).padStart(24, '0');

function movieGuid(agent: AgentStyle, ids: ExternalIds, n: number): { guid: string; Guid?: Array<{ id: string }> } {
  switch (agent) {
    case 'modern':
      return { guid: `plex://movie/${hex(n)}`, Guid: guidList(ids) };
    case 'legacy-imdb':
      return { guid: `com.plexapp.agents.imdb://${ids.imdb}?lang=en` };
    case 'legacy-tmdb':
      return { guid: `com.plexapp.agents.themoviedb://${ids.tmdb}?lang=en` };
    case 'local':
      return { guid: `local://${n}` };
    default:
      return { guid: `com.plexapp.agents.none://${hex(n)}?lang=xn` };
  }
}

const guidList = (ids: ExternalIds) => [
  ...(ids.imdb ? [{ id: `imdb://${ids.imdb}` }] : []),
  ...(ids.tmdb ? [{ id: `tmdb://${ids.tmdb}` }] : []),
  ...(ids.tvdb ? [{ id: `tvdb://${ids.tvdb}` }] : []),
];

function showGuid(agent: AgentStyle, ids: ExternalIds, n: number) {
  if (agent === 'modern') return { guid: `plex://show/${hex(n)}`, Guid: guidList(ids) };
  if (agent === 'legacy-tvdb') return { guid: `com.plexapp.agents.thetvdb://${ids.tvdb}?lang=en` };
  if (agent === 'legacy-tmdb') return { guid: `com.plexapp.agents.themoviedb://${ids.tmdb}?lang=en` };
  if (agent === 'hama-tvdb') return { guid: `com.plexapp.agents.hama://tvdb-${ids.tvdb}?lang=en` };
  if (agent === 'hama-anidb') return { guid: `com.plexapp.agents.hama://anidb-${n}?lang=en` };
  if (agent === 'local') return { guid: `local://${n}` };
  return { guid: `com.plexapp.agents.none://${hex(n)}?lang=xn` };
}

function episodeGuid(agent: AgentStyle, show: ExternalIds, own: ExternalIds, season: number, number: number, n: number) {
  if (agent === 'modern') return { guid: `plex://episode/${hex(n)}`, Guid: guidList(own) };
  if (agent === 'legacy-tvdb') return { guid: `com.plexapp.agents.thetvdb://${show.tvdb}/${season}/${number}?lang=en` };
  if (agent === 'legacy-tmdb') return { guid: `com.plexapp.agents.themoviedb://${show.tmdb}/${season}/${number}?lang=en` };
  if (agent === 'hama-tvdb') return { guid: `com.plexapp.agents.hama://tvdb-${show.tvdb}/${season}/${number}?lang=en` };
  if (agent === 'hama-anidb') return { guid: `com.plexapp.agents.hama://anidb-${n}/${season}/${number}?lang=en` };
  if (agent === 'local') return { guid: `local://${n}` };
  return { guid: `com.plexapp.agents.none://${hex(n)}/${season}/${number}?lang=xn` };
}

export class PlexStandIn {
  readonly server: FakeServer;
  readonly items = new Map<string, Item>();
  readonly byLibKey = new Map<string, string[]>();
  readonly token = 'plex-standin-token';
  now: () => number = Date.now;

  constructor(readonly lib: Library) {
    this.server = new FakeServer({ name: 'plex', handle: (req) => this.handle(req) });
    let n = 100;
    const add = (libKey: string, meta: Omit<PlexMeta, 'ratingKey'>, sectionId: number, state: PlexState) => {
      const ratingKey = String(++n);
      this.items.set(ratingKey, { meta: { ...meta, ratingKey }, sectionId, state, updatedAt: 1_700_000_000 });
      this.byLibKey.set(libKey, [...(this.byLibKey.get(libKey) ?? []), ratingKey]);
      return ratingKey;
    };
    for (const m of lib.movies) {
      for (const sectionId of m.sectionIds) {
        for (const edition of [undefined, ...(m.editions ?? [])]) {
          add(m.key, { type: 'movie', title: m.title, year: m.year, editionTitle: edition, ...movieGuid(m.agent, m.ids, n + 1) }, sectionId, { ...m.plex });
        }
      }
    }
    for (const s of lib.shows) {
      const showKey = add(s.key, { type: 'show', title: s.title, year: s.year, ...showGuid(s.agent, s.ids, n + 1) }, s.sectionId, { viewCount: 0, lastViewedAt: null, userRating: s.plexRating });
      for (const e of s.episodes) {
        add(e.key, {
          type: 'episode', title: e.title, grandparentRatingKey: showKey, grandparentTitle: s.title, parentIndex: e.season, index: e.number,
          ...episodeGuid(s.agent, s.ids, e.ids, e.season, e.number, n + 1),
        }, s.sectionId, { ...e.plex });
      }
    }
  }

  async start(): Promise<string> {
    return this.server.start();
  }
  stop(): Promise<void> {
    return this.server.stop();
  }
  get url(): string {
    return this.server.url;
  }

  /** The Plex state of every item made from a library entry (editions, two sections…). */
  stateOf(libKey: string): PlexState[] {
    return (this.byLibKey.get(libKey) ?? []).map((k) => this.items.get(k)!.state);
  }

  /** Marks watched "by hand" in Plex (no webhook), as a user would. */
  watch(libKey: string, atSec = Math.floor(this.now() / 1000)): void {
    for (const k of this.byLibKey.get(libKey) ?? []) {
      const it = this.items.get(k)!;
      it.state.viewCount = Math.max(1, it.state.viewCount);
      it.state.lastViewedAt = atSec;
    }
  }

  /** Marks unwatched "by hand" in Plex, as a user would: no time is left behind. */
  unwatch(libKey: string): void {
    for (const k of this.byLibKey.get(libKey) ?? []) {
      const it = this.items.get(k)!;
      it.state.viewCount = 0;
      it.state.lastViewedAt = null;
    }
  }

  /** Rates "by hand" in Plex (null clears), as a user would: `lastRatedAt` moves. */
  rate(libKey: string, rating: number | null, atSec = Math.floor(this.now() / 1000)): void {
    for (const k of this.byLibKey.get(libKey) ?? []) {
      const it = this.items.get(k)!;
      it.state.userRating = rating ?? undefined;
      it.lastRatedAt = rating === null ? undefined : atSec;
    }
  }

  /** The metadata changed (a refresh, a new match): `updatedAt` moves. */
  refreshMetadata(libKey: string, atSec = Math.floor(this.now() / 1000)): void {
    for (const k of this.byLibKey.get(libKey) ?? []) this.items.get(k)!.updatedAt = atSec;
  }

  /** Takes an item out of the library (a library emptied or rebuilt). */
  forget(libKey: string): void {
    for (const k of this.byLibKey.get(libKey) ?? []) this.items.delete(k);
    this.byLibKey.delete(libKey);
  }

  private json(item: Item): PlexMeta {
    const s = item.state;
    return {
      ...item.meta,
      ...(s.viewCount > 0 ? { viewCount: s.viewCount } : {}),
      ...(s.lastViewedAt ? { lastViewedAt: s.lastViewedAt } : {}),
      ...(s.userRating !== undefined ? { userRating: s.userRating } : {}),
      ...(item.lastRatedAt !== undefined ? { lastRatedAt: item.lastRatedAt } : {}),
      updatedAt: item.updatedAt,
    };
  }

  private valueOf(i: Item, field: string): number | undefined {
    const v = { updatedAt: i.updatedAt, lastViewedAt: i.state.lastViewedAt ?? undefined, lastRatedAt: i.lastRatedAt, userRating: i.state.userRating, viewCount: i.state.viewCount }[field];
    if (v === undefined && !['updatedAt', 'lastViewedAt', 'lastRatedAt', 'userRating', 'viewCount'].includes(field)) throw new Error(`the stand-in has no field ${field}`);
    return v;
  }

  /** `field>>=n` (after), `field<<=n` (before), `unwatched=0|1`; a missing value passes no comparison. */
  private passes(i: Item, query: URLSearchParams): boolean {
    for (const [key, value] of query) {
      if (key === 'unwatched') {
        if ((i.state.viewCount > 0 ? '0' : '1') !== value) return false;
        continue;
      }
      const m = /^(\w+)(>>|<<)$/.exec(key);
      if (!m) continue;
      const v = this.valueOf(i, m[1]!);
      if (v === undefined || (m[2] === '>>' ? !(v > Number(value)) : !(v < Number(value)))) return false;
    }
    return true;
  }

  private handle(req: FakeRequest): FakeResponse {
    if (req.path === '/identity') return { status: 200, body: { MediaContainer: { size: 0, claimed: true, machineIdentifier: this.lib.machineIdentifier, version: '1.41.0' } } };
    if (req.query.get('X-Plex-Token') !== this.token && req.headers['x-plex-token'] !== this.token) return { status: 401, body: 'Unauthorized' };
    if (req.path === '/') {
      return { status: 200, body: { MediaContainer: { size: 0, friendlyName: this.lib.serverName, machineIdentifier: this.lib.machineIdentifier, version: '1.41.0' } } };
    }
    if (req.path === '/library/sections') {
      return { status: 200, body: { MediaContainer: { size: this.lib.sections.length, Directory: this.lib.sections.map((s) => ({ key: String(s.id), type: s.type, title: s.title, agent: s.agent })) } } };
    }
    const all = /^\/library\/sections\/(\d+)\/all$/.exec(req.path);
    if (all) {
      const type = { 1: 'movie', 2: 'show', 4: 'episode' }[Number(req.query.get('type'))];
      const list = [...this.items.values()].filter((i) => i.sectionId === Number(all[1]) && i.meta.type === type && this.passes(i, req.query));
      const sort = /^(\w+):desc$/.exec(req.query.get('sort') ?? '');
      if (sort) list.sort((a, b) => (this.valueOf(b, sort[1]!) ?? -Infinity) - (this.valueOf(a, sort[1]!) ?? -Infinity));
      const start = Number(req.query.get('X-Plex-Container-Start') ?? req.headers['x-plex-container-start'] ?? 0);
      const size = Number(req.query.get('X-Plex-Container-Size') ?? req.headers['x-plex-container-size'] ?? 50);
      const page = list.slice(start, start + size);
      return {
        status: 200,
        headers: { 'x-plex-container-start': String(start), 'x-plex-container-total-size': String(list.length) },
        body: { MediaContainer: { offset: start, size: page.length, totalSize: list.length, Metadata: page.map((i) => (req.query.get('includeGuids') === '1' ? this.json(i) : { ...this.json(i), Guid: undefined })) } },
      };
    }
    const meta = /^\/library\/metadata\/(\d+)$/.exec(req.path);
    if (meta) {
      const it = this.items.get(meta[1]!);
      if (!it) return { status: 404, body: '' };
      return { status: 200, body: { MediaContainer: { size: 1, Metadata: [this.json(it)] } } };
    }
    const key = req.query.get('key') ?? '';
    const item = this.items.get(key);
    if (req.path === '/:/scrobble') {
      if (!item) return { status: 404, body: '' };
      item.state.viewCount += 1; // as a real server: each call is one more view (API.md G, "Lost answers")
      item.state.lastViewedAt = Math.floor(this.now() / 1000);
      return { status: 200, body: '' };
    }
    if (req.path === '/:/unscrobble') {
      if (!item) return { status: 404, body: '' };
      item.state.viewCount = 0;
      item.state.lastViewedAt = null;
      return { status: 200, body: '' };
    }
    if (req.path === '/:/rate') {
      if (!item) return { status: 404, body: '' };
      const r = Number(req.query.get('rating'));
      item.state.userRating = r < 0 ? undefined : r;
      item.lastRatedAt = r < 0 ? undefined : Math.floor(this.now() / 1000);
      return { status: 200, body: '' };
    }
    return { status: 404, body: '' };
  }
}

/** A SyncPlex over HTTP to the stand-in (what engineer B's server client does for real). */
export interface PlexTarget {
  url: string;
  token: string;
  machineIdentifier: string;
}

export const targetOf = (plex: PlexStandIn): PlexTarget => ({ url: plex.url, token: plex.token, machineIdentifier: plex.lib.machineIdentifier });

export function standInClient(plex: PlexTarget, opts: { selected?: string[] } = {}): SyncPlex {
  const call = async (method: string, path: string, query: Record<string, string> = {}) => {
    const qs = Object.entries({ ...query, 'X-Plex-Token': plex.token })
      .map(([k, v]) => `${k.replace(/[^>]+/, (m) => encodeURIComponent(m))}=${encodeURIComponent(v)}`)
      .join('&');
    const res = await fetch(`${plex.url}${path}?${qs}`, { method, headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`Plex answered ${res.status} to ${path}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  return {
    machineIdentifier: plex.machineIdentifier,
    async sections(): Promise<PlexSectionRef[]> {
      const body = await call('GET', '/library/sections');
      return (body.MediaContainer.Directory as Array<{ key: string; type: string; title: string }>)
        .filter((d) => (d.type === 'movie' || d.type === 'show') && (!opts.selected || opts.selected.includes(d.key)))
        .map((d) => ({ id: d.key, type: d.type as 'movie' | 'show', title: d.title }));
    },
    async items(sectionId, type, page): Promise<PlexPage> {
      const body = await call('GET', `/library/sections/${sectionId}/all`, {
        type: String(type), includeGuids: '1', 'X-Plex-Container-Start': String(page.start), 'X-Plex-Container-Size': String(page.size), ...page.filters,
      });
      return { items: body.MediaContainer.Metadata ?? [], totalSize: body.MediaContainer.totalSize ?? 0 };
    },
    async markWatched(ratingKey) {
      await call('PUT', '/:/scrobble', { key: ratingKey, identifier: 'com.plexapp.plugins.library' });
    },
    async markUnwatched(ratingKey) {
      await call('PUT', '/:/unscrobble', { key: ratingKey, identifier: 'com.plexapp.plugins.library' });
    },
    async rate(ratingKey, rating) {
      await call('PUT', '/:/rate', { key: ratingKey, identifier: 'com.plexapp.plugins.library', rating: String(rating ?? -1) });
    },
    async itemState(ratingKey) {
      const m = (await call('GET', `/library/metadata/${ratingKey}`)).MediaContainer.Metadata[0] as PlexMeta;
      return { viewCount: m.viewCount ?? 0, lastViewedAt: m.lastViewedAt ?? null, userRating: m.userRating ?? null };
    },
  };
}
