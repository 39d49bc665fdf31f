/** The dashboard's and events page's pure parts: Trakt's answer in words, an event's timeline, Plex sessions as rows, and the now-playing service's polling. */
import { describe, expect, it } from 'vitest';
import type { LedgerRow } from '../../src/db/tables/ledger.js';
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';
import { NowPlayingService, type NowPlayingSource } from '../../src/now-playing/service.js';
import { nowPlayingOf } from '../../src/now-playing/sessions.js';
import type { PlexSession } from '../../src/plex/types.js';
import { answerInWords, tmdbOfAnswer } from '../../src/scrobble/answer-words.js';
import { eventTimeline } from '../../src/scrobble/timeline.js';
import { latencyText } from '../../views/dashboard/recent-plays.js';

const j = (v: unknown) => JSON.stringify(v);

describe("Trakt's answer in words", () => {
  it('says what Trakt did, per answer', () => {
    expect(answerInWords(j({ status: 201, body: { id: 9, action: 'scrobble', progress: 91.2, movie: { ids: { tmdb: 603 } } } }))).toBe('scrobbled at 91.2 %');
    expect(answerInWords(j({ status: 201, body: { action: 'start', progress: 2 } }))).toBe('started watching at 2 %');
    expect(answerInWords(j({ status: 409, body: { watched_at: '2026-01-01T00:00:00.000Z' } }))).toBe('already scrobbled (409)');
    expect(answerInWords(j({ status: 404, body: '' }))).toBe('not found on Trakt');
    expect(answerInWords(j({ status: 201, body: { added: { movies: 1, episodes: 0 }, not_found: { movies: [] } } }))).toBe('1 added');
    expect(answerInWords(j({ status: 201, body: { added: { movies: 0, episodes: 0 }, not_found: { movies: [{ ids: { imdb: 'tt1' } }] } } }))).toBe('not found on Trakt');
    expect(answerInWords(j([{ status: 201, body: { action: 'pause', progress: 35 } }, { status: 503, body: 'down' }]))).toBe('paused at 35 %; Trakt failed (503)');
    expect(answerInWords(null)).toBeNull();
    expect(answerInWords('null')).toBeNull();
    expect(answerInWords('{oops')).toBe('an answer that is not JSON');
    expect(answerInWords(j({ nope: 1 }))).toBe('an answer of an unexpected shape');
  });

  it('finds the poster id Trakt named', () => {
    expect(tmdbOfAnswer(j({ status: 201, body: { action: 'scrobble', movie: { ids: { tmdb: 603 } } } }))).toEqual({ media: 'movie', tmdbId: 603 });
    expect(tmdbOfAnswer(j({ status: 201, body: { action: 'scrobble', episode: { ids: { tmdb: 5 } }, show: { ids: { tmdb: 1399 } } } }))).toEqual({ media: 'tv', tmdbId: 1399 });
    expect(tmdbOfAnswer(j({ status: 404, body: '' }))).toBeNull();
  });

  it('says how long a play took to reach Trakt', () => {
    expect(latencyText(42)).toBe('42 ms');
    expect(latencyText(1_812)).toBe('1.8 s');
    expect(latencyText(42_000)).toBe('42 s');
    expect(latencyText(5 * 60_000)).toBe('5 min');
  });
});

describe('an event timeline', () => {
  const event = { id: 7, received_at: 1_000, event: 'media.scrobble', server_title: 'NAS', status: 'sent', reason: 'watched: scrobbled', processed_at: 2_500, attempts: 1, next_attempt_at: 0 } as WebhookEventRow;
  const ledger = { target: 'trakt', action: 'scrobble.stop', title: 'The Matrix (1999)', created_at: 1_200, updated_at: 1_800, status: 'sent', outcome: 'scrobble', progress: 91, error: null } as LedgerRow;

  it('runs received → decided → sent → answered, with times', () => {
    const steps = eventTimeline(event, [ledger]);
    expect(steps.map((s) => [s.kind, s.at])).toEqual([
      ['received', 1_000],
      ['decided', 1_200],
      ['sent', 1_200],
      ['answered', 1_800],
    ]);
    expect(steps[2]!.text).toBe('POST /scrobble/stop for The Matrix (1999)');
    expect(steps[3]!.text).toBe('scrobbled at 91 %');
    expect(steps[3]!.tone).toBe('ok');
  });

  it('says an event decided without a write, and one still waiting', () => {
    expect(eventTimeline({ ...event, status: 'ignored', reason: 'not a movie' }, []).map((s) => [s.kind, s.at, s.text])).toEqual([
      ['received', 1_000, 'media.scrobble from NAS'],
      ['decided', 2_500, 'ignored: not a movie'],
    ]);
    const waiting = eventTimeline({ ...event, status: 'pending', attempts: 2, next_attempt_at: 9_000, reason: 'Trakt answered 503' }, [{ ...ledger, status: 'failed', outcome: 'http 503', error: 'Trakt answered 503' }]);
    expect(waiting.map((s) => s.kind)).toEqual(['received', 'decided', 'sent', 'answered', 'waiting']);
    expect(waiting.at(-1)).toMatchObject({ at: 9_000, tone: 'bad' });
  });
});

const session = (over: Partial<PlexSession> = {}): PlexSession =>
  ({
    ratingKey: '50',
    type: 'episode',
    title: 'Pilot',
    grandparentTitle: 'Hunter of Ghosts',
    grandparentRatingKey: '48',
    parentIndex: 1,
    index: 1,
    duration: 1_000_000,
    viewOffset: 400_000,
    sessionKey: '3',
    User: { title: 'alice' },
    Player: { title: 'Living Room TV', state: 'paused', local: true },
    ...over,
  }) as PlexSession;

describe('Plex sessions as dashboard rows', () => {
  it('an episode: show, code and title, who, where, how far; music is left out', () => {
    expect(nowPlayingOf(session())).toMatchObject({ title: 'Hunter of Ghosts', detail: 'S01E01 · Pilot', user: 'alice', player: 'Living Room TV', local: true, state: 'paused', progress: 40, posterKey: '48' });
    expect(nowPlayingOf(session({ type: 'movie', title: 'The Ocean', year: 1963, grandparentTitle: undefined }))).toMatchObject({ title: 'The Ocean', detail: '1963', posterKey: '50' });
    expect(nowPlayingOf(session({ type: 'track' }))).toBeUndefined();
    expect(nowPlayingOf(session({ Player: { state: 'stopped' } }))).toBeUndefined();
    expect(nowPlayingOf(session({ duration: undefined }))!.progress).toBeNull();
  });
});

describe('the now-playing service', () => {
  function world() {
    let sessions: PlexSession[] | null = [session()];
    let wanted = false;
    let clock = 0;
    let release: (() => void) | undefined;
    let hold = false;
    const calls = { sessions: 0, ids: 0 };
    const source: NowPlayingSource = {
      async sessions() {
        calls.sessions++;
        if (hold) await new Promise<void>((r) => (release = r));
        return sessions;
      },
      async ids() {
        calls.ids++;
        return { tmdb: 1399 };
      },
    };
    const svc = new NowPlayingService({ source, log: { debug() {} }, wanted: () => wanted, now: () => clock, intervalMs: 20, maxAgeMs: 1_000, pokeDelayMs: 1 });
    return {
      svc,
      calls,
      set: (s: PlexSession[] | null) => (sessions = s),
      want: (w: boolean) => (wanted = w),
      tick: (ms: number) => (clock += ms),
      hold: (h: boolean) => (hold = h),
      release: () => release?.(),
    };
  }

  it('page views reuse a recent answer; concurrent ones share one request', async () => {
    const w = world();
    w.hold(true);
    const a = w.svc.current();
    const b = w.svc.current();
    await new Promise((r) => setTimeout(r, 5));
    w.hold(false);
    w.release();
    expect(await a).toBe(await b);
    expect(w.calls.sessions).toBe(1);
    await w.svc.current();
    expect(w.calls.sessions).toBe(1); // younger than maxAgeMs
    w.tick(1_500);
    await w.svc.current();
    expect(w.calls.sessions).toBe(2);
    expect(w.calls.ids).toBe(1); // the show's ids are asked once
    await w.svc.stop();
  });

  it('polls only while someone is looking, and tells listeners of changes only', async () => {
    const w = world();
    const seen: number[] = [];
    w.svc.onChange((s) => seen.push(s.kind === 'ok' ? s.items.length : -1));
    w.svc.start();
    await new Promise((r) => setTimeout(r, 120));
    expect(w.calls.sessions).toBe(0); // nobody looking: Plex is not asked
    w.want(true);
    await expect.poll(() => w.calls.sessions, { timeout: 2_000, interval: 10 }).toBeGreaterThan(2);
    expect(seen).toEqual([1]); // the same picture again is no change
    w.set([]);
    await expect.poll(() => seen, { timeout: 2_000, interval: 10 }).toEqual([1, 0]);
    w.set(null);
    await expect.poll(() => w.svc.peek()?.kind, { timeout: 2_000, interval: 10 }).toBe('no_server');
    await w.svc.stop();
    const after = w.calls.sessions;
    await new Promise((r) => setTimeout(r, 80));
    expect(w.calls.sessions).toBe(after);
  });

  it('keeps the last picture when Plex does not answer, and says so', async () => {
    let down = false;
    const svc = new NowPlayingService({
      source: { sessions: async () => (down ? Promise.reject(new Error('connect ECONNREFUSED')) : [session()]), ids: async () => null },
      log: { debug() {} },
      wanted: () => true,
    });
    expect((await svc.refresh()).kind).toBe('ok');
    down = true;
    const snap = await svc.refresh();
    expect(snap).toMatchObject({ kind: 'error', message: 'connect ECONNREFUSED' });
    expect(snap.kind === 'error' && snap.items.map((i) => i.title)).toEqual(['Hunter of Ghosts']);
    await svc.stop();
  });
});
