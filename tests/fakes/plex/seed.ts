/**
 * Builds both emulators' state from the neutral library model: accounts (owner = id 1 and
 * the other accounts, each with tokens), the server's name and machineIdentifier, sections,
 * and items with ratingKeys assigned in model order (movie copies per section and edition;
 * each show, then each season, then its episodes), guids per agent style, media files
 * (`Show (2010) - S01E01-E02.mkv` shared by the episodes of a multi-episode file) and the
 * owner's watch state and ratings. Replaces whatever the server held.
 */
import type { ExternalIds, LibEpisode, LibMovie, LibShow, Library, PlexState } from '../library/model.js';
import { OWNER_ID } from './accounts.js';
import type { PlexServerFake } from './pms.js';
import type { PlexTvFake } from './plex-tv.js';
import type { PlexItem } from './item.js';

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
const NO_IDS: ExternalIds = Object.freeze({});

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
    const s = pms.states.mutable(OWNER_ID, item.rk);
    s.viewCount = Math.max(0, state.viewCount);
    if (state.lastViewedAt !== null) s.lastViewedAt = state.lastViewedAt;
    if (state.viewOffsetMs) s.viewOffset = state.viewOffsetMs;
    if (state.userRating !== undefined) {
      s.userRating = state.userRating;
      s.lastRatedAt = state.lastViewedAt ?? item.addedAt + 86_400;
    }
  };
  const seeder: Seeder = { pms, apply: applyState };

  for (const m of lib.movies) {
    seedMovie(seeder, m);
    summary.movies += 1;
  }
  lib.shows.forEach((show, i) => {
    const counts = seedShow(seeder, show, 10_000 + i);
    summary.shows += 1;
    summary.seasons += counts.seasons;
    summary.episodes += counts.episodes;
  });
  pms.store.sortAll();
  return { ...summary, ms: performance.now() - started };
}

interface Seeder {
  pms: PlexServerFake;
  apply: (item: PlexItem, state: PlexState, first: boolean) => void;
}

/** Added over years, in ratingKey order. */
const addedAtOf = (pms: PlexServerFake): number => ADDED_BASE + pms.store.peekRatingKey() * 37;

function seedMovie({ pms, apply }: Seeder, m: LibMovie): void {
  let first = true;
  for (const sectionId of m.sectionIds) {
    for (const edition of [undefined, ...(m.editions ?? [])]) {
      const item = pms.store.add({
        type: 'movie',
        libKey: m.key,
        sectionId,
        title: m.title,
        year: m.year,
        agent: m.agent,
        ids: m.ids,
        addedAt: addedAtOf(pms),
        durationMs: m.durationMs,
        editionTitle: edition,
      });
      apply(item, m.plex, first);
      first = false;
    }
  }
}

function seedShow({ pms, apply }: Seeder, show: LibShow, anidb: number): { seasons: number; episodes: number } {
  const showItem = pms.store.add({
    type: 'show',
    libKey: show.key,
    sectionId: show.sectionId,
    title: show.title,
    year: show.year,
    agent: show.agent,
    ids: show.ids,
    anidb,
    addedAt: addedAtOf(pms),
    durationMs: show.episodes[0]?.durationMs,
  });
  if (show.plexRating !== undefined) pms.states.rate(OWNER_ID, showItem, show.plexRating, showItem.addedAt + 86_400);

  const bySeason = new Map<number, LibEpisode[]>();
  for (const e of show.episodes) {
    const list = bySeason.get(e.season);
    if (list) list.push(e);
    else bySeason.set(e.season, [e]);
  }
  let episodes = 0;
  for (const season of [...bySeason.keys()].sort((a, b) => a - b)) {
    const seasonItem = pms.store.add({
      type: 'season',
      libKey: `${show.key}:season-${season}`,
      sectionId: show.sectionId,
      title: season === 0 ? 'Specials' : `Season ${season}`,
      year: show.year,
      agent: show.agent,
      ids: NO_IDS,
      addedAt: addedAtOf(pms),
      index: season,
      parent: showItem,
      show: showItem,
    });
    showItem.children!.push(seasonItem);
    const list = bySeason.get(season)!.sort((a, b) => a.number - b.number);
    // A multi-episode file: the first episode names the range, the next ones share it.
    let fileFirst = 0;
    let fileLast = 0;
    for (const e of list) {
      if (e.number > fileLast) {
        fileFirst = e.number;
        fileLast = e.number + (e.extraEpisodesInFile ?? 0);
      }
      const ep = pms.store.add({
        type: 'episode',
        libKey: e.key,
        sectionId: show.sectionId,
        title: e.title,
        year: show.year + Math.max(0, season - 1),
        agent: show.agent,
        ids: e.ids,
        addedAt: addedAtOf(pms),
        durationMs: e.durationMs,
        index: e.number,
        parent: seasonItem,
        show: showItem,
        fileFirst,
        fileLast,
      });
      seasonItem.children!.push(ep);
      showItem.leaves!.push(ep);
      apply(ep, e.plex, true);
      episodes += 1;
    }
  }
  return { seasons: showItem.children!.length, episodes };
}
