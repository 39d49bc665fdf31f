/** The scrobble rules as a table: event + state → action, with the contracts' thresholds. */
import { describe, expect, it } from 'vitest';
import { decide, episodesInFile, progressPercent, traktRating, type Decision, type RuleInput } from '../../src/scrobble/rules.js';

const T0 = Date.UTC(2026, 8, 1, 20, 0, 0);
const MIN = 60_000;

function input(o: Partial<RuleInput>): RuleInput {
  return { event: 'media.play', receivedAt: T0, now: T0 + 100, progress: 25, lastPlayAt: null, ...o };
}

type Expect = Partial<Decision> & Record<string, unknown>;
const table: Array<[string, Partial<RuleInput>, Expect]> = [
  ['play → start with the real progress', { event: 'media.play', progress: 12.5 }, { kind: 'send', action: 'scrobble.start', progress: 12.5 }],
  ['resume → start', { event: 'media.resume', progress: 40 }, { kind: 'send', action: 'scrobble.start', progress: 40 }],
  ['play without a known position → start at 1%', { event: 'media.play', progress: null }, { kind: 'send', action: 'scrobble.start', progress: 1 }],
  ['pause → pause', { event: 'media.pause', progress: 33 }, { kind: 'send', action: 'scrobble.pause', progress: 33 }],
  ['stop below 80% → paused progress', { event: 'media.stop', progress: 79.99 }, { kind: 'send', action: 'scrobble.pause', progress: 79.99 }],
  ['stop at 80% → scrobble', { event: 'media.stop', progress: 80 }, { kind: 'send', action: 'scrobble.stop', progress: 80 }],
  ['stop at 95% after a scrobble → still one play', { event: 'media.stop', progress: 95, lastPlayAt: T0 - 5 * MIN }, { kind: 'skip', status: 'duplicate' }],
  ['stop at 50% after a scrobble → progress saved', { event: 'media.stop', progress: 50, lastPlayAt: T0 - 5 * MIN }, { kind: 'send', action: 'scrobble.pause' }],
  ['stop without a position → ignored with a reason', { event: 'media.stop', progress: null }, { kind: 'skip', status: 'ignored' }],
  ['scrobble fresh → stop at max(progress, 90)', { event: 'media.scrobble', progress: 60 }, { kind: 'send', action: 'scrobble.stop', progress: 90 }],
  ['scrobble at 97% → stop at 97', { event: 'media.scrobble', progress: 97 }, { kind: 'send', action: 'scrobble.stop', progress: 97 }],
  ['scrobble without a position → stop at 90', { event: 'media.scrobble', progress: null }, { kind: 'send', action: 'scrobble.stop', progress: 90 }],
  ['scrobble exactly 10 minutes old → still a scrobble', { event: 'media.scrobble', now: T0 + 10 * MIN }, { kind: 'send', action: 'scrobble.stop' }],
  ['scrobble processed late → history at arrival time', { event: 'media.scrobble', now: T0 + 10 * MIN + 1 }, { kind: 'send', action: 'history.add', watchedAt: T0 }],
  ['scrobble hours late → history at arrival time', { event: 'media.scrobble', now: T0 + 5 * 3600_000 }, { kind: 'send', action: 'history.add', watchedAt: T0 }],
  ['scrobble again within 6 hours → duplicate', { event: 'media.scrobble', lastPlayAt: T0 - 3 * 3600_000 }, { kind: 'skip', status: 'duplicate' }],
  ['late scrobble already played → duplicate, not history', { event: 'media.scrobble', now: T0 + 30 * MIN, lastPlayAt: T0 - MIN }, { kind: 'skip', status: 'duplicate' }],
  ['play older than 10 minutes → stale', { event: 'media.play', now: T0 + 11 * MIN }, { kind: 'skip', status: 'stale' }],
  ['pause older than 10 minutes → stale', { event: 'media.pause', now: T0 + 11 * MIN }, { kind: 'skip', status: 'stale' }],
  ['stop older than 10 minutes → stale', { event: 'media.stop', progress: 95, now: T0 + 11 * MIN }, { kind: 'skip', status: 'stale' }],
  ['rate 7 → rating 7', { event: 'media.rate', rating: 7 }, { kind: 'send', action: 'rating.add', rating: 7 }],
  ['rate 4.5 (half stars) → whole 5', { event: 'media.rate', rating: 4.5 }, { kind: 'send', action: 'rating.add', rating: 5 }],
  ['rate 0.5 → at least 1', { event: 'media.rate', rating: 0.6 }, { kind: 'send', action: 'rating.add', rating: 1 }],
  ['rate cleared (no rating) → remove', { event: 'media.rate', rating: undefined }, { kind: 'send', action: 'rating.remove' }],
  ['rate -1 → remove', { event: 'media.rate', rating: -1 }, { kind: 'send', action: 'rating.remove' }],
  ['rate hours late → still a rating', { event: 'media.rate', rating: 8, now: T0 + 5 * 3600_000 }, { kind: 'send', action: 'rating.add', rating: 8 }],
  ['library.new → not used', { event: 'library.new' }, { kind: 'skip', status: 'ignored' }],
  ['playback.started → not used', { event: 'playback.started' }, { kind: 'skip', status: 'ignored' }],
  ['admin.database.backup → not used', { event: 'admin.database.backup' }, { kind: 'skip', status: 'ignored' }],
];

describe('decide', () => {
  it.each(table)('%s', (_name, given, expected) => {
    const d = decide(input(given));
    expect(d).toMatchObject(expected);
    if (d.kind === 'skip') expect(d.reason).toMatch(/\.$/);
  });
});

describe('progressPercent', () => {
  it.each([
    [1_350_000, 2_700_000, 50],
    [0, 2_700_000, 1],
    [3_000_000, 2_700_000, 100],
    [123, 1000, 12.3],
    [undefined, 2_700_000, null],
    [100, 0, null],
    [100, undefined, null],
  ])('%s of %s → %s', (offset, duration, expected) => {
    expect(progressPercent(offset, duration)).toBe(expected);
  });
});

describe('traktRating', () => {
  it.each([[10, 10], [9.5, 10], [2, 2], [1, 1], [0, null], [null, null], [12, 10]])('%s → %s', (plex, trakt) => {
    expect(traktRating(plex)).toBe(trakt);
  });
});

describe('episodesInFile', () => {
  it.each([
    ['/tv/Show/Season 01/Show - S01E01-E02.mkv', 1, 1, [1, 2]],
    ['/tv/Show/Season 01/Show - s01e01-e03 - Title.mkv', 1, 1, [1, 2, 3]],
    ['/tv/Show/Season 01/Show.S01E01E02.1080p.mkv', 1, 1, [1, 2]],
    ['/tv/Show/Season 02/Show - S02E05-06.mkv', 2, 5, [5, 6]],
    ['/tv/Show/Season 01/Show - S01E05.mkv', 1, 5, [5]],
    ['/tv/Show 2049/S01E01 - Pilot.mkv', 1, 1, [1]],
    ['/tv/Show/weird name.mkv', 1, 3, [3]],
    [undefined, 1, 4, [4]],
    ['C:\\TV\\Show\\S03E10-E11.avi', 3, 10, [10, 11]],
    ['/tv/Show/Season 01/Show - S01E01-E99.mkv', 1, 1, Array.from({ length: 20 }, (_, k) => k + 1)],
  ])('%s → %j', (file, season, index, expected) => {
    expect(episodesInFile(file as string | undefined, season as number, index as number)).toEqual(expected);
  });
});
