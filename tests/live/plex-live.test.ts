/**
 * Live scrobbling without Plex Pass, end to end over real sockets: the service (production
 * wiring) opens the Plex emulator's notifications socket; the emulator plays as a real server
 * tells it (buffering, progress every few seconds, timeline/activity noise, stopped after the
 * session left /status/sessions). No webhook URL is registered unless a test adds one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../helpers/browser-client.js';
import { eventsOf, listening, picker, settledEvents, startLiveWorld, until, type LiveWorld } from './live-world.js';

const PASSWORD = 'live-sessions-admin-password';
let w: LiveWorld;
let pick: ReturnType<typeof picker>;

beforeAll(async () => {
  w = await startLiveWorld(PASSWORD);
  pick = picker(w.lib);
  await listening(w);
}, 60_000);

afterAll(async () => {
  await w?.close();
});

const playsOf = (traktId: number | null) => w.trakt.plays(w.owner).filter((p) => p.trakt === traktId);
const traktPosts = (path: string, mark = 0) => w.trakt.server.requests.slice(mark).filter((r) => r.method === 'POST' && r.path === path);

describe('live sessions, webhooks off: the listener alone', () => {
  it('a movie and an episode played to the end are one play each on Trakt; progress reports do not reach Trakt', async () => {
    const movie = pick.movie();
    const episode = pick.episode();
    const mark = w.trakt.server.requests.length;
    const moviePlay = w.plex.pms.livePlay(movie.key);
    const episodePlay = w.plex.pms.livePlay(episode.key);
    await moviePlay.toTheEnd();
    await episodePlay.toTheEnd();

    const movieEvents = await settledEvents(w, moviePlay.ratingKey, 2);
    const episodeEvents = await settledEvents(w, episodePlay.ratingKey, 2);
    for (const rows of [movieEvents, episodeEvents]) {
      expect(rows.map((r) => [r.source, r.event, r.status])).toEqual([
        ['live', 'media.play', 'sent'],
        ['live', 'media.scrobble', 'sent'],
      ]);
      expect(rows[0]!.account_id).toBe(1);
      expect(rows[0]!.player_title).toBe('Living Room TV');
    }
    expect(playsOf(movie.traktId)).toHaveLength(1);
    expect(playsOf(episode.traktId)).toHaveLength(1);
    // Four progress reports each (25 … 95 %) and a buffering: still one start and one stop per item.
    expect(traktPosts('/scrobble/start', mark)).toHaveLength(2);
    const stops = traktPosts('/scrobble/stop', mark).map((r) => JSON.parse(r.body));
    expect(stops).toHaveLength(2);
    expect(stops[0].progress).toBeCloseTo(97, 0);
    // Who and what were asked of the server, not guessed: the item's ids came from its metadata.
    expect(w.plex.pms.server.requests.some((r) => r.path === `/library/metadata/${episodePlay.ratingKey}`)).toBe(true);
    expect(JSON.parse(episodeEvents[1]!.payload).Live).toMatchObject({ sessionKey: episodePlay.key, state: 'stopped', threshold: 90 });
  }, 90_000);

  it('a pause shows on Trakt as paused at that point; stopped at 50 % is no play, its progress kept', async () => {
    const movie = pick.movie();
    const play = w.plex.pms.livePlay(movie.key);
    await play.start(0);
    await play.playing(play.at(30));
    await play.buffering(play.at(31)); // a stall says nothing
    await play.pause(play.at(31));
    const paused = await settledEvents(w, play.ratingKey, 2);
    expect(paused.map((r) => [r.event, r.status])).toEqual([
      ['media.play', 'sent'],
      ['media.pause', 'sent'],
    ]);
    await until(() => w.trakt.playback(w.owner).find((p) => p.trakt === movie.traktId)?.progress, (p) => p !== undefined, 'Trakt to hold the paused progress');
    expect(w.trakt.playback(w.owner).find((p) => p.trakt === movie.traktId)!.progress).toBeCloseTo(31, 0);

    await play.resume(play.at(31));
    await play.playing(play.at(50));
    await play.stop(play.at(50));
    const rows = await settledEvents(w, play.ratingKey, 4);
    expect(rows.map((r) => [r.event, r.status])).toEqual([
      ['media.play', 'sent'],
      ['media.pause', 'sent'],
      ['media.resume', 'sent'],
      ['media.stop', 'sent'],
    ]);
    expect(rows[3]!.reason).toBe('stopped at 50%: progress saved');
    expect(playsOf(movie.traktId)).toHaveLength(0);
    expect(w.trakt.playback(w.owner).find((p) => p.trakt === movie.traktId)!.progress).toBeCloseTo(50, 0);
  }, 90_000);

  it('a stop between Trakt’s 80 % and the 90 % threshold saves progress instead of making a play', async () => {
    const movie = pick.movie();
    const play = w.plex.pms.livePlay(movie.key);
    await play.start(0);
    await play.stop(play.at(85));
    const rows = await settledEvents(w, play.ratingKey, 2);
    expect(rows[1]!.event).toBe('media.stop');
    expect(rows[1]!.reason).toBe('stopped at 85%: progress saved');
    expect(playsOf(movie.traktId)).toHaveLength(0);
  }, 90_000);

  it('two viewers at once: the owner’s play goes to the connected Trakt account; the other viewer’s is ignored as unmapped', async () => {
    const movie = pick.movie();
    const other = w.lib.otherAccounts[0]!;
    const mine = w.plex.pms.livePlay(movie.key);
    const theirs = w.plex.pms.livePlay(movie.key, { accountId: other.plexAccountId, player: { title: 'Sam’s iPad', uuid: 'ipad-sam' } });
    await mine.start(0);
    await theirs.start(0);
    for (const p of [40, 95]) {
      await theirs.playing(theirs.at(p));
      await mine.playing(mine.at(p));
    }
    await theirs.stop(theirs.at(98));
    await mine.stop(mine.at(96));
    expect(mine.key).not.toBe(theirs.key);
    const rows = await settledEvents(w, mine.ratingKey, 4);
    const scrobbles = rows.filter((r) => r.event === 'media.scrobble');
    expect(scrobbles.map((r) => [r.account_id, r.status])).toEqual([
      [other.plexAccountId, 'ignored'],
      [1, 'sent'],
    ]);
    expect(scrobbles[0]!.player_title).toBe('Sam’s iPad');
    expect(scrobbles[0]!.reason).toBe(`Plex account "${other.plexUsername}" is not mapped to a Trakt account: map it in Settings → Webhook accounts.`);
    expect(playsOf(movie.traktId)).toHaveLength(1);
  }, 90_000);

  it('a session that vanishes without a stop is ended where it was last seen (past 90 %: a play)', async () => {
    const movie = pick.movie();
    const play = w.plex.pms.livePlay(movie.key, { noise: false });
    await play.start(0);
    await play.playing(play.at(94));
    await settledEvents(w, play.ratingKey, 1);
    play.vanish(play.at(94));
    const rows = await settledEvents(w, play.ratingKey, 2);
    expect(rows[1]).toMatchObject({ event: 'media.scrobble', status: 'sent', source: 'live' });
    expect(JSON.parse(rows[1]!.payload).Live.state).toBe('vanished');
    expect(playsOf(movie.traktId)).toHaveLength(1);
  }, 90_000);

  it('the events API and page show each event’s source and filter by it', async () => {
    const res = await fetch(`${w.service.url}/api/v1/events?source=live&limit=500`, { headers: { 'X-Api-Key': w.service.deps.secrets.apiKey() } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: Array<{ source: string }> };
    expect(body.events.length).toBeGreaterThan(5);
    expect(new Set(body.events.map((e) => e.source))).toEqual(new Set(['live']));
    const none = (await (await fetch(`${w.service.url}/api/v1/events?source=webhook`, { headers: { 'X-Api-Key': w.service.deps.secrets.apiKey() } })).json()) as { events: unknown[] };
    expect(none.events).toEqual([]);
    const bad = await fetch(`${w.service.url}/api/v1/events?source=carrier-pigeon`, { headers: { 'X-Api-Key': w.service.deps.secrets.apiKey() } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe('source must be webhook or live.');

    const metrics = await (await fetch(`${w.service.url}/metrics`)).text();
    expect(metrics).toMatch(/^pts_live_events_total\{event="media\.scrobble"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^pts_live_notifications_total\{state="buffering"\} [1-9]\d*$/m);

    const http = new FormClient({ request: (p, init) => fetch(p, init) }, w.service.url);
    await http.get('/login');
    await http.post('/login', { password: PASSWORD });
    const page = await (await http.get('/events?source=live')).text();
    expect(page).toContain('data-source="live"');
    expect(page).not.toContain('data-source="webhook"');
    expect(page).toContain('aria-label="Filter by source"');
    const dashboard = await (await http.get('/')).text();
    expect(dashboard).toMatch(/id="plex-live-status"[^>]*data-state="listening"[^>]*>Live: listening since <time/);
  }, 90_000);
});

describe('the watched threshold, a setting', () => {
  it('Settings → Live sessions: 84 % makes a stop at 85 % a play; a value Trakt would not count is refused with a sentence', async () => {
    const http = new FormClient({ request: (p, init) => fetch(p, init) }, w.service.url);
    await http.get('/login');
    await http.post('/login', { password: PASSWORD });
    await http.get('/settings');
    const refused = await http.post('/settings/live', { threshold: '70' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('The watched threshold is a percentage from 80 to 100 (Trakt counts a play from 80 %).');
    const saved = await (await http.post('/settings/live', { threshold: '84' }, { headers: { 'hx-request': 'true' } })).text();
    expect(saved).toContain('Saved: a stop at 84 % or later is a play.');
    try {
      const movie = pick.movie();
      const play = w.plex.pms.livePlay(movie.key);
      await play.start(0);
      await play.stop(play.at(85));
      const rows = await settledEvents(w, play.ratingKey, 2);
      expect(rows[1]).toMatchObject({ event: 'media.scrobble', status: 'sent' });
      expect(JSON.parse(rows[1]!.payload).Live.threshold).toBe(84);
      expect(playsOf(movie.traktId)).toHaveLength(1);
    } finally {
      await http.post('/settings/live', { threshold: '90' });
    }
  }, 90_000);
});

describe('live sessions beside webhooks, and a dropped socket', () => {
  it('the same play from a webhook and from the listener is one play on Trakt; both recorded, the repeats as duplicates with their reason', async () => {
    const hookUrl = `${w.service.url}/webhooks/plex/${w.service.deps.secrets.webhookSecret()}`;
    w.plex.pms.webhookUrls.push(hookUrl);
    try {
      const movie = pick.movie();
      const play = w.plex.pms.livePlay(movie.key, { webhooks: true });
      await play.toTheEnd();
      // Webhooks: play, scrobble (at 90 %), stop. Listener: play, scrobble.
      const rows = await settledEvents(w, play.ratingKey, 5);
      expect(rows.filter((r) => r.source === 'webhook').map((r) => r.event).sort()).toEqual(['media.play', 'media.scrobble', 'media.stop']);
      expect(rows.filter((r) => r.source === 'live').map((r) => r.event).sort()).toEqual(['media.play', 'media.scrobble']);
      const scrobbles = rows.filter((r) => r.event === 'media.scrobble');
      expect(scrobbles.map((r) => r.status).sort()).toEqual(['duplicate', 'sent']);
      const dup = scrobbles.find((r) => r.status === 'duplicate')!;
      const first = scrobbles.find((r) => r.status === 'sent')!;
      expect(dup.reason).toMatch(new RegExp(`^The (live listener|webhook) saw the same event \\d+ s earlier \\(event #${first.id}\\): one play, counted once\\.$|^Already scrobbled`));
      expect(playsOf(movie.traktId)).toHaveLength(1);
    } finally {
      w.plex.pms.webhookUrls.length = 0;
    }
  }, 90_000);

  it('a socket dropped mid-play: the listener reconnects, the stop still lands (one play), and a catch-up sync runs', async () => {
    const movie = pick.movie();
    const play = w.plex.pms.livePlay(movie.key);
    await play.start(0);
    await play.playing(play.at(40));
    await settledEvents(w, play.ratingKey, 1);
    const opened = w.plex.pms.notifications.opened;
    w.plex.pms.notifications.drop();
    await until(() => w.plex.pms.notifications.opened, (n) => n > opened, 'the listener to reconnect');
    await listening(w);
    await play.playing(play.at(95));
    await play.stop(play.at(97));
    const rows = await settledEvents(w, play.ratingKey, 2);
    expect(rows.map((r) => [r.event, r.status])).toEqual([
      ['media.play', 'sent'],
      ['media.scrobble', 'sent'],
    ]);
    expect(w.logs.text()).toContain('live sessions: the connection dropped; trying again');
    expect(await (await fetch(`${w.service.url}/metrics`)).text()).toMatch(/^pts_live_reconnects_total [1-9]\d*$/m);
    await until(() => w.service.deps.db.selectFrom('sync_runs').select(['trigger', 'status']).where('trigger', '=', 'live').execute(), (r) => r.length >= 1 && r.every((x) => x.status !== 'running'), 'the catch-up sync to finish', 60_000);
    expect(playsOf(movie.traktId)).toHaveLength(1);
  }, 90_000);

  it('a stop missed while disconnected: back online, the session is found gone and ended; with the catch-up sync the play is on Trakt once', async () => {
    const movie = pick.movie();
    const play = w.plex.pms.livePlay(movie.key, { noise: false });
    await play.start(0);
    await play.playing(play.at(93));
    await settledEvents(w, play.ratingKey, 1);
    const runsBefore = (await w.service.deps.db.selectFrom('sync_runs').select('id').where('trigger', '=', 'live').execute()).length;
    w.plex.pms.notifications.refuseNext(2); // a server restarting: the next attempts are refused
    w.plex.pms.notifications.drop();
    await play.stop(play.at(96)); // sent to nobody
    await listening(w);
    const rows = await settledEvents(w, play.ratingKey, 2);
    expect(rows[1]).toMatchObject({ event: 'media.scrobble', status: 'sent' });
    expect(JSON.parse(rows[1]!.payload).Live.state).toBe('vanished');
    await until(() => w.service.deps.db.selectFrom('sync_runs').select(['trigger', 'status']).where('trigger', '=', 'live').execute(), (r) => r.length > runsBefore && r.every((x) => x.status !== 'running'), 'the catch-up sync to finish', 60_000);
    expect(playsOf(movie.traktId)).toHaveLength(1);
    expect((await eventsOf(w, play.ratingKey)).filter((r) => r.event === 'media.scrobble')).toHaveLength(1);
  }, 90_000);
});
