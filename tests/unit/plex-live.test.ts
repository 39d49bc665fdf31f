/** The live listener's pure parts: frames, session steps, the threshold, the backoff, the card's sentence. */
import { describe, expect, it } from 'vitest';
import { notificationsUrl, reconnectDelay } from '../../src/plex-live/connection.js';
import { parseFrame, type PlayNotification } from '../../src/plex-live/notification.js';
import { liveLine } from '../../src/plex-live/status.js';
import { advance, eventFor, nextStep, type TrackedSession } from '../../src/plex-live/tracker.js';
import { decide } from '../../src/scrobble/rules.js';

const frame = (o: unknown) => JSON.stringify({ NotificationContainer: o });
const n = (state: PlayNotification['state'], viewOffset: number): PlayNotification => ({ sessionKey: '7', ratingKey: '42', state, viewOffset, clientIdentifier: 'tv' });
const who = { accountId: 1, accountTitle: 'owner', playerTitle: 'TV', playerUuid: 'tv' };

describe('notification frames', () => {
  it('reads play states (keys as numbers or strings) and drops entries it cannot use', () => {
    const f = parseFrame(
      frame({
        type: 'playing',
        size: 3,
        PlaySessionStateNotification: [
          { sessionKey: 104, ratingKey: '1234', viewOffset: 5000, state: 'paused', clientIdentifier: 'abc' },
          { sessionKey: '105', ratingKey: '1', state: 'exploded' },
          { ratingKey: '1', state: 'playing' },
        ],
      }),
    );
    expect(f).toEqual({ type: 'playing', plays: [{ sessionKey: '104', ratingKey: '1234', viewOffset: 5000, state: 'paused', clientIdentifier: 'abc' }] });
  });

  it('timeline, activity and garbage are not plays', () => {
    expect(parseFrame(frame({ type: 'timeline', size: 1, TimelineEntry: [{ itemID: '1', state: 5 }] }))).toEqual({ type: 'timeline' });
    expect(parseFrame(frame({ type: 'activity', size: 1, ActivityNotification: [] }))?.plays).toBeUndefined();
    expect(parseFrame('not json')).toBeNull();
    expect(parseFrame(JSON.stringify({ other: 1 }))).toBeNull();
  });
});

describe('session steps', () => {
  const t0 = 1_000_000;
  const opts = { jumpMs: 60_000, restartAfterMs: 120_000 };
  const playing = (at: number, offset: number, startedAt = t0): TrackedSession => ({ sessionKey: '7', ratingKey: '42', who, state: 'playing', viewOffset: offset, offsetAt: at, seenAt: at, startedAt });

  it('first playing starts; paused pauses once; playing after paused resumes; buffering says nothing; stopped stops', () => {
    expect(nextStep(undefined, n('buffering', 0), t0, opts)).toBeNull();
    expect(nextStep(undefined, n('playing', 0), t0, opts)).toBe('start');
    const p = playing(t0, 0);
    expect(nextStep(p, n('paused', 10_000), t0 + 10_000, opts)).toBe('pause');
    const paused = advance(p, n('paused', 10_000), 'pause', t0 + 10_000, null);
    expect(nextStep(paused, n('paused', 10_000), t0 + 20_000, opts)).toBeNull();
    expect(nextStep(paused, n('playing', 10_000), t0 + 30_000, opts)).toBe('resume');
    expect(nextStep(paused, n('stopped', 10_000), t0 + 30_000, opts)).toBe('stop');
  });

  it('progress reports are quiet; a seek is a new start, at most once per two minutes', () => {
    const p = playing(t0, 0);
    expect(nextStep(p, n('playing', 10_000), t0 + 10_000, opts)).toBeNull(); // playback going on
    expect(nextStep(p, n('playing', 3_000_000), t0 + 10_000, opts)).toBeNull(); // a seek, but a start 10 s ago
    expect(nextStep(p, n('playing', 3_000_000), t0 + 130_000, opts)).toBe('jump');
    expect(nextStep(p, n('playing', 130_000), t0 + 130_000, opts)).toBeNull(); // where it should be
  });

  it('a stop at or past the threshold is a scrobble, below it a stop that the rules keep as a pause', () => {
    expect(eventFor('stop', 90, 90)).toBe('media.scrobble');
    expect(eventFor('stop', 89.9, 90)).toBe('media.stop');
    expect(eventFor('stop', null, 90)).toBe('media.stop');
    expect(eventFor('resume', 10, 90)).toBe('media.resume');
    expect(eventFor('jump', 10, 90)).toBe('media.play');
    const rule = (progress: number, watchedPercent?: number) => decide({ event: 'media.stop', receivedAt: t0, now: t0, progress, lastPlayAt: null, watchedPercent });
    expect(rule(85)).toMatchObject({ action: 'scrobble.stop' }); // a webhook's stop: Trakt's 80 %
    expect(rule(85, 90)).toMatchObject({ action: 'scrobble.pause', note: 'stopped at 85%: progress saved' });
    expect(rule(85, 50)).toMatchObject({ action: 'scrobble.stop' }); // never below Trakt's own 80 %
  });
});

describe('the connection', () => {
  it('appends the notifications path to the base URL, keeping a prefix and dropping any query', () => {
    expect(notificationsUrl('http://10.0.0.5:32400')).toBe('ws://10.0.0.5:32400/:/websockets/notifications');
    expect(notificationsUrl('https://host.example/plex/?x=1')).toBe('wss://host.example/plex/:/websockets/notifications');
  });

  it('backs off from a second to a minute, jittered to 60-100 % of each step', () => {
    expect(reconnectDelay(1, 1_000, 60_000, () => 1)).toBe(1_000);
    expect(reconnectDelay(1, 1_000, 60_000, () => 0)).toBe(1_000); // never under the first step
    expect(reconnectDelay(4, 1_000, 60_000, () => 1)).toBe(8_000);
    expect(reconnectDelay(7, 1_000, 60_000, () => 1)).toBe(60_000);
    expect(reconnectDelay(50, 1_000, 60_000, () => 0)).toBe(36_000);
  });

  it('says where it stands in a sentence', () => {
    const base = { sessions: 0, eventsStored: 0, notifications: 0 };
    expect(liveLine({ ...base, connection: { state: 'reconnecting', attempt: 7, nextAt: 40_000, reason: 'the connection dropped' } }, 0).text).toBe(
      'Live: reconnecting (attempt 7, next in 40 s): the connection dropped',
    );
    expect(liveLine({ ...base, connection: { state: 'listening', since: 5, server: 'Den' } }, 0)).toEqual({ state: 'listening', text: 'Live: listening since', since: 5 });
    expect(liveLine(null, 0).text).toBe('Live: off (PLEX_LIVE=off): plays reach Trakt by webhooks only.');
  });
});

describe('the card line’s topic', () => {
  it('is the dashboard’s own topic (one stream per page)', async () => {
    const { PLEX_LIVE_TOPIC } = await import('../../src/web/plex-live.js');
    const { DASHBOARD_TOPIC } = await import('../../src/web/dashboard-live.js');
    expect(PLEX_LIVE_TOPIC).toBe(DASHBOARD_TOPIC);
  });
});
