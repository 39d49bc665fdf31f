/**
 * Webhooks end to end on a real port: Plex's multipart in, the worker's rules, and the end
 * state on the Trakt emulator (plays, ratings, playback progress), for modern and legacy
 * agents, movies and episodes, the owner and other accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertWebhookEvent } from '../../src/db/repos/webhook-events.js';
import { setWebhookAccountMode } from '../../src/db/repos/webhook-accounts.js';
import { ledgerForSource } from '../../src/ledger/repo.js';
import { parsePayload, summarize } from '../../src/scrobble/payload.js';
import { legacyEpisode, legacyMovie, modernEpisode, modernMovie, OTHER_SERVER_UUID, track } from '../fixtures/webhooks/payloads.js';
import { postMultipart } from '../fixtures/webhooks/send.js';
import { settled, startScrobbleHarness, type ScrobbleHarness } from '../fixtures/webhooks/service.js';
import { plexLookups } from '../fixtures/webhooks/test-ports.js';

let h: ScrobbleHarness;
beforeAll(async () => {
  h = await startScrobbleHarness();
});
afterAll(async () => h?.close());

let rk = 5000;
/** A fresh ratingKey per test, so the 2-minute duplicate rule only joins what a test means to join. */
const fresh = () => String(++rk);

async function send(payload: unknown) {
  const res = await postMultipart(h.url, payload);
  expect(res.status).toBe(200);
  const { id } = (await res.json()) as { id: number };
  return settled(h.service, id);
}

/** Stores an event as if it had arrived `agoMs` earlier (the service was down, Trakt was down). */
async function arrivedEarlier(payload: Record<string, unknown>, agoMs: number) {
  const text = JSON.stringify(payload);
  const id = insertWebhookEvent(h.service.deps.sqlite, { ...summarize(parsePayload(text)), receivedAt: Date.now() - agoMs, payload: text });
  h.service.deps.webhookQueue!.wake();
  return settled(h.service, id);
}

const playsOf = (trakt: number, user = 'alice') => h.fake.plays(user).filter((p) => p.trakt === trakt);

describe('movies', () => {
  it('modern agent: play → watching, pause → progress, scrobble → one play, stop at 95% → still one play', async () => {
    const ratingKey = fresh();
    const play = await send(modernMovie({ event: 'media.play', ratingKey, viewOffset: 60_000 }));
    expect(play).toMatchObject({ status: 'sent', trakt_account_id: 1 });
    expect(JSON.parse(play.trakt_answer!)).toMatchObject({ status: 201, body: { action: 'start' } });

    const pause = await send(modernMovie({ event: 'media.pause', ratingKey, viewOffset: 4_080_000 }));
    expect(pause.status).toBe('sent');
    expect(h.fake.playback('alice')).toEqual([expect.objectContaining({ trakt: 1001, progress: 50 })]);

    const scrobble = await send(modernMovie({ event: 'media.scrobble', ratingKey, viewOffset: 7_500_000 }));
    expect(scrobble.status).toBe('sent');
    expect(playsOf(1001)).toHaveLength(1);

    const stop = await send(modernMovie({ event: 'media.stop', ratingKey, viewOffset: 7_752_000 }));
    expect(stop.status).toBe('duplicate');
    expect(stop.reason).toMatch(/already scrobbled/i);
    expect(playsOf(1001)).toHaveLength(1);

    // Every Trakt write is a ledger row, settled, with the event as its source.
    const ledger = await ledgerForSource(h.service.deps.db, 'webhook', scrobble.id);
    expect(ledger).toEqual([expect.objectContaining({ action: 'scrobble.stop', status: 'sent', outcome: 'scrobble', item_key: 'movie:imdb:tt0133093' })]);
    expect(ledger[0]!.trakt_history_id).toBe(playsOf(1001)[0]!.id);
  });

  it('legacy IMDb agent: a stop at 85% without a scrobble event makes the play', async () => {
    const ratingKey = fresh();
    const stop = await send(legacyMovie({ event: 'media.stop', ratingKey, viewOffset: Math.round(11_040_000 * 0.85) }));
    expect(stop.status).toBe('sent');
    expect(playsOf(1002)).toHaveLength(1);
    // A stop below 80% is saved progress, not a play.
    const early = await send(legacyMovie({ event: 'media.stop', ratingKey: fresh(), viewOffset: 1_000_000 }));
    expect(early.status).toBe('sent');
    expect(JSON.parse(early.trakt_answer!).body.action).toBe('pause');
    expect(playsOf(1002)).toHaveLength(1);
  });

  it('the same webhook delivered twice within 2 minutes is one event and one play', async () => {
    const payload = modernMovie({ event: 'media.scrobble', ratingKey: fresh(), imdb: 'tt0113277', tmdb: 949 });
    const [a, b] = await Promise.all([send(payload), send(payload)]);
    expect([a.status, b.status].sort()).toEqual(['duplicate', 'sent']);
    expect([a, b].find((r) => r.status === 'duplicate')!.reason).toMatch(/same event/);
    expect(playsOf(1003)).toHaveLength(1);
    // The same item scrobbled again (a new delivery, minutes later) within 6 hours: still one play.
    const again = await send(modernMovie({ event: 'media.scrobble', ratingKey: fresh(), imdb: 'tt0113277', tmdb: 949 }));
    expect(again.status).toBe('duplicate');
    expect(playsOf(1003)).toHaveLength(1);
  });

  it('media.scrobble processed more than 10 minutes late goes to history at the time it arrived', async () => {
    const ago = 25 * 60_000;
    const row = await arrivedEarlier(modernMovie({ event: 'media.scrobble', ratingKey: fresh(), imdb: 'tt0078748', tmdb: 348 }), ago);
    expect(row.status).toBe('sent');
    expect(row.reason).toMatch(/history/);
    const play = playsOf(1004).find((p) => p.action === 'watch');
    expect(play).toBeDefined();
    expect(Math.abs(Date.parse(play!.watched_at) - row.received_at)).toBeLessThan(1000);
  });

  it('play, pause and stop older than 10 minutes are stale', async () => {
    for (const event of ['media.play', 'media.pause', 'media.stop']) {
      const row = await arrivedEarlier(modernMovie({ event, ratingKey: fresh() }), 11 * 60_000);
      expect(row.status, event).toBe('stale');
    }
  });

  it('media.rate sets the rating (Plex 0-10 → whole 1-10) and a cleared rating removes it', async () => {
    const rated = await send(modernMovie({ event: 'media.rate', ratingKey: fresh(), rating: 7.5 }));
    expect(rated.status).toBe('sent');
    expect(h.fake.ratings('alice')).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'movie', trakt: 1001, rating: 8 })]));
    const cleared = await send(modernMovie({ event: 'media.rate', ratingKey: fresh() }));
    expect(cleared.status).toBe('sent');
    expect(h.fake.ratings('alice').filter((r) => r.trakt === 1001 && r.type === 'movie')).toEqual([]);
  });

  it('a changed rating within 2 minutes is sent (a new choice); the same rating again is a duplicate', async () => {
    const ratingKey = fresh();
    expect((await send(modernMovie({ event: 'media.rate', ratingKey, rating: 8 }))).status).toBe('sent');
    const changed = await send(modernMovie({ event: 'media.rate', ratingKey, rating: 6 }));
    expect(changed.status).toBe('sent');
    expect(h.fake.ratings('alice').filter((r) => r.trakt === 1001 && r.type === 'movie').map((r) => r.rating)).toEqual([6]);
    expect((await send(modernMovie({ event: 'media.rate', ratingKey, rating: 6 }))).status).toBe('duplicate');
  });

  it('asks the Plex server for the position when the payload has none', async () => {
    const ratingKey = fresh();
    h.ports.state.plex = plexLookups(h.ports.state, { session: { [ratingKey]: { viewOffset: 2_040_000, duration: 8_160_000 } } });
    try {
      const row = await send(modernMovie({ event: 'media.pause', ratingKey, viewOffset: null }));
      expect(row.status).toBe('sent');
      expect(h.ports.state.plexCalls).toContain(`session:${ratingKey}`);
      expect(JSON.parse(row.trakt_answer!).body.progress).toBe(25);
    } finally {
      h.ports.state.plex = null;
    }
  });
});

describe('episodes', () => {
  it('modern agent: scrobbled by the episode’s own ids', async () => {
    const row = await send(modernEpisode({ event: 'media.scrobble', ratingKey: fresh(), tvdb: 8530905 }));
    expect(row.status).toBe('sent');
    expect(playsOf(3005)).toHaveLength(1);
  });

  it('legacy TheTVDB agent: scrobbled by show ids + season + number', async () => {
    const row = await send(legacyEpisode({ event: 'media.scrobble', ratingKey: fresh() }));
    expect(row.status).toBe('sent');
    expect(playsOf(4015)).toHaveLength(1);
    const [ledger] = await ledgerForSource(h.service.deps.db, 'webhook', row.id);
    expect(ledger!.item_key).toBe('episode:show:tvdb:73871:s2e15');
  });

  it('a multi-episode file scrobbles every episode it holds (show ids fetched once from Plex)', async () => {
    h.ports.state.plex = plexLookups(h.ports.state, { shows: { '40275': { tvdb: 390001 } } });
    try {
      const file = '/data/tv/Northern Lights/Season 01/Northern Lights - S01E01-E02.mkv';
      const row = await send(modernEpisode({ event: 'media.scrobble', ratingKey: fresh(), tvdb: 8530901, season: 1, number: 1, file }));
      expect(row.status).toBe('sent');
      expect(playsOf(3001)).toHaveLength(1);
      expect(playsOf(3002)).toHaveLength(1);
      await send(modernEpisode({ event: 'media.scrobble', ratingKey: fresh(), tvdb: 8530903, season: 1, number: 3, file: file.replace('E01-E02', 'E03-E04') }));
      expect(h.ports.state.plexCalls.filter((c) => c === 'show:40275')).toHaveLength(1);
    } finally {
      h.ports.state.plex = null;
    }
  });
});

describe('filters', () => {
  it('ignores, with a reason: another server, an unselected library, music, unused events, an unmapped account', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [modernMovie({ event: 'media.scrobble', ratingKey: fresh(), serverUuid: OTHER_SERVER_UUID }), /not the connected one/],
      [track({ event: 'media.scrobble', ratingKey: fresh() }), /not a movie or an episode/],
      [modernMovie({ event: 'library.new', ratingKey: fresh() }), /not used/],
      [modernMovie({ event: 'media.scrobble', ratingKey: fresh(), accountId: 7001, accountTitle: 'guest-kid' }), /guest-kid has no Trakt account: connect one for them in Settings → People/],
    ];
    h.ports.state.unselected.add('9');
    cases.push([modernMovie({ event: 'media.scrobble', ratingKey: fresh(), sectionId: 9 }), /not selected/]);
    const before = h.fake.plays('alice').length;
    for (const [payload, reason] of cases) {
      const row = await send(payload);
      expect(row.status).toBe('ignored');
      expect(row.reason).toMatch(reason);
    }
    expect(h.fake.plays('alice')).toHaveLength(before);
  });

  it('the owner is Account.id 1 or the connected plex.tv username; another account is sent once mapped', async () => {
    const byName = await send(modernMovie({ event: 'media.play', ratingKey: fresh(), accountId: 31646104, accountTitle: 'Owner-User' }));
    expect(byName).toMatchObject({ status: 'sent', trakt_account_id: 1 });

    h.fake.addUser({ username: 'bob' });
    h.ports.state.accounts.set(2, 'bob');
    const first = await send(modernMovie({ event: 'media.scrobble', ratingKey: fresh(), accountId: 5555, accountTitle: 'bob-plex' }));
    expect(first.status).toBe('ignored');
    await setWebhookAccountMode(h.service.deps.db, 5555, 'mapped', 2);
    const mapped = await send(modernMovie({ event: 'media.scrobble', ratingKey: fresh(), accountId: 5555, accountTitle: 'bob-plex' }));
    expect(mapped).toMatchObject({ status: 'sent', trakt_account_id: 2 });
    expect(playsOf(1001, 'bob')).toHaveLength(1);
    await setWebhookAccountMode(h.service.deps.db, 5555, 'ignored', null);
    const ignored = await send(modernMovie({ event: 'media.play', ratingKey: fresh(), accountId: 5555, accountTitle: 'bob-plex' }));
    expect(ignored.reason).toMatch(/Webhooks are off for bob-plex/);
  });
});
