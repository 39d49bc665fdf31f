/**
 * Builds both emulators' state from the neutral library model: accounts (owner = id 1 and
 * the other accounts, each with tokens), the server's name and machineIdentifier, sections,
 * and items with ratingKeys assigned in model order (movie copies per section and edition;
 * each show, then each season, then its episodes), guids per agent style, media files
 * (`Show (2010) - S01E01-E02.mkv` shared by the episodes of a multi-episode file) and the
 * owner's watch state and ratings. Replaces whatever the server held.
 */
import type { LibEpisode, LibMovie, LibShow, Library, PlexState } from '../library/model.js';
import { OWNER_ID } from './accounts.js';
import { guidsFor, type GuidContext } from './guids.js';
import type { PlexServerFake } from './pms.js';
import type { PlexTvFake } from './plex-tv.js';
import { sortTitleOf, type PlexItem } from './store.js';

export interface SeedOptions {
  /**
   * Which items made from one model entry get its Plex state: every copy (default: the
   * movie counts as watched wherever it is) or only the first (other sections and editions
   * start unwatched, as separate items really are).
   */
  stateOn?: 'all' | 'first';
}

export interface PlexSeedSummary {
  sections: number;
  movies: number;
  shows: number;
  seasons: number;
  episodes: number;
  ms: number;
}

/** Where items were added, spaced like a library filled over years (epoch seconds). */
const ADDED_BASE = 1_500_000_000;
const pad = (n: number): string => String(n).padStart(2, '0');

export function seedPlexFromLibrary(fakes: { pms?: PlexServerFake; tv?: PlexTvFake }, lib: Library, opts: SeedOptions = {}): PlexSeedSummary {
  const started = performance.now();
  const registries = new Set([fakes.pms?.accounts, fakes.tv?.accounts].filter((a) => a !== undefined));
  for (const accounts of registries) {
    accounts.upsert({ id: OWNER_ID, username: lib.owner.plexUsername });
    for (const a of lib.otherAccounts) accounts.upsert({ id: a.plexAccountId, username: a.plexUsername });
  }
  const summary: PlexSeedSummary = { sections: lib.sections.length, movies: 0, shows: 0, seasons: 0, episodes: 0, ms: 0 };
  const pms = fakes.pms;
  if (!pms) return { ...summary, ms: performance.now() - started };

  pms.name = lib.serverName;
  pms.machineIdentifier = lib.machineIdentifier;
  pms.store.reset();
  pms.states.clear();
  pms.sessions.clear();
  pms.calls.length = 0;
  for (const s of lib.sections) pms.store.addSection(s);

  const applyState = (item: PlexItem, state: PlexState, first: boolean): void => {
    if (opts.stateOn === 'first' && !first) return;
    if (state.viewCount <= 0 && !state.viewOffsetMs && state.userRating === undefined && state.lastViewedAt === null) return;
    const s = pms.states.mutable(OWNER_ID, item.ratingKey);
    s.viewCount = Math.max(0, state.viewCount);
    if (state.lastViewedAt !== null) s.lastViewedAt = state.lastViewedAt;
    if (state.viewOffsetMs) s.viewOffset = state.viewOffsetMs;
    if (state.userRating !== undefined) {
      s.userRating = state.userRating;
      s.lastRatedAt = state.lastViewedAt ?? item.addedAt + 86_400;
    }
  };
  const nextTimes = () => {
    const addedAt = ADDED_BASE + Number(pms.store.peekRatingKey()) * 37;
    return { addedAt, updatedAt: addedAt + 3600 };
  };
  const ctx = (agent: GuidContext['agent'], ids: GuidContext['ids'], identity: string, anidb?: number): GuidContext => ({
    agent,
    ids,
    identity,
    ratingKey: pms.store.peekRatingKey(),
    anidb,
  });

  for (const m of lib.movies) {
    seedMovie(pms, m, ctx, nextTimes, applyState);
    summary.movies += 1;
  }
  lib.shows.forEach((show, i) => {
    const counts = seedShow(pms, show, 10_000 + i, ctx, nextTimes, applyState);
    summary.shows += 1;
    summary.seasons += counts.seasons;
    summary.episodes += counts.episodes;
  });
  pms.store.sortAll();
  return { ...summary, ms: performance.now() - started };
}

type Ctx = (agent: GuidContext['agent'], ids: GuidContext['ids'], identity: string, anidb?: number) => GuidContext;
type Times = () => { addedAt: number; updatedAt: number };
type Apply = (item: PlexItem, state: PlexState, first: boolean) => void;

function seedMovie(pms: PlexServerFake, m: LibMovie, ctx: Ctx, times: Times, apply: Apply): void {
  let first = true;
  for (const sectionId of m.sectionIds) {
    for (const edition of [undefined, ...(m.editions ?? [])]) {
      const g = guidsFor('movie', ctx(m.agent, m.ids, m.key));
      const folder = `${m.title} (${m.year})`;
      const item = pms.store.add({
        type: 'movie',
        libKey: m.key,
        sectionId,
        title: m.title,
        sortTitle: sortTitleOf(m.title),
        year: m.year,
        guid: g.guid,
        externalGuids: g.external,
        ...times(),
        originallyAvailableAt: `${m.year}-${pad(1 + (m.year % 12))}-${pad(1 + (m.year % 28))}`,
        durationMs: m.durationMs,
        editionTitle: edition,
        file: `${pms.store.sections.get(sectionId)!.location}/${folder}/${folder}${edition ? ` {edition-${edition}}` : ''}.mkv`,
      });
      apply(item, m.plex, first);
      first = false;
    }
  }
}

function seedShow(pms: PlexServerFake, show: LibShow, anidb: number, ctx: Ctx, times: Times, apply: Apply): { seasons: number; episodes: number } {
  const g = guidsFor('show', ctx(show.agent, show.ids, show.key, anidb));
  const showItem = pms.store.add({
    type: 'show',
    libKey: show.key,
    sectionId: show.sectionId,
    title: show.title,
    sortTitle: sortTitleOf(show.title),
    year: show.year,
    guid: g.guid,
    externalGuids: g.external,
    ...times(),
    originallyAvailableAt: `${show.year}-09-01`,
    durationMs: show.episodes[0]?.durationMs,
    children: [],
    leaves: [],
  });
  if (show.plexRating !== undefined) pms.states.rate(OWNER_ID, showItem, show.plexRating, showItem.addedAt + 86_400);

  const bySeason = new Map<number, LibEpisode[]>();
  for (const e of show.episodes) {
    const list = bySeason.get(e.season);
    if (list) list.push(e);
    else bySeason.set(e.season, [e]);
  }
  const folder = `${pms.store.sections.get(show.sectionId)!.location}/${show.title} (${show.year})`;
  let episodes = 0;
  for (const season of [...bySeason.keys()].sort((a, b) => a - b)) {
    const sg = guidsFor('season', ctx(show.agent, show.ids, `${show.key}:season-${season}`, anidb), [season]);
    const seasonItem = pms.store.add({
      type: 'season',
      libKey: `${show.key}:season-${season}`,
      sectionId: show.sectionId,
      title: season === 0 ? 'Specials' : `Season ${season}`,
      sortTitle: '',
      year: show.year,
      guid: sg.guid,
      externalGuids: sg.external,
      ...times(),
      index: season,
      parent: showItem,
      show: showItem,
      children: [],
    });
    showItem.children!.push(seasonItem);
    const list = bySeason.get(season)!.sort((a, b) => a.number - b.number);
    let sharedFile: string | undefined;
    let sharedLeft = 0;
    for (const e of list) {
      let file: string;
      if (sharedLeft > 0 && sharedFile) {
        file = sharedFile;
        sharedLeft -= 1;
      } else {
        const extra = e.extraEpisodesInFile ?? 0;
        const range = extra > 0 ? `-E${pad(e.number + extra)}` : '';
        file = `${folder}/${season === 0 ? 'Specials' : `Season ${pad(season)}`}/${show.title} (${show.year}) - S${pad(season)}E${pad(e.number)}${range}.mkv`;
        sharedFile = file;
        sharedLeft = extra;
      }
      const eg = guidsFor('episode', ctx(show.agent, show.ids, e.key, anidb), [season, e.number], e.ids);
      const year = show.year + Math.max(0, season - 1);
      const ep = pms.store.add({
        type: 'episode',
        libKey: e.key,
        sectionId: show.sectionId,
        title: e.title,
        sortTitle: '',
        year,
        guid: eg.guid,
        externalGuids: eg.external,
        ...times(),
        originallyAvailableAt: `${year}-${pad(1 + ((e.number - 1) % 12))}-${pad(1 + ((e.number * 7) % 28))}`,
        durationMs: e.durationMs,
        index: e.number,
        parent: seasonItem,
        show: showItem,
        file,
      });
      seasonItem.children!.push(ep);
      showItem.leaves!.push(ep);
      apply(ep, e.plex, true);
      episodes += 1;
    }
  }
  return { seasons: showItem.children!.length, episodes };
}
