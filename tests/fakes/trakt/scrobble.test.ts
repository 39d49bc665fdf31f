import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
afterEach(async () => h?.fake.stop());

const movie = { movie: { title: 'Fixture Movie One', year: 2001, ids: { trakt: 101, imdb: 'tt9000101' } } };

describe('Trakt emulator: /scrobble', () => {
  it('answers start and pause with the item, and saves progress on pause for /sync/playback', async () => {
    h = await startHarness();
    const start = await h.call('/scrobble/start', { body: { ...movie, progress: 1.25 } });
    expect(start.status).toBe(201);
    expect(await start.json()).toEqual({
      id: 0,
      action: 'start',
      progress: 1.25,
      sharing: { twitter: false, mastodon: false, tumblr: false },
      movie: { title: 'Fixture Movie One', year: 2001, ids: { trakt: 101, slug: 'fixture-movie-one-2001', imdb: 'tt9000101', tmdb: 50101 } },
    });
    const pause = await (await h.call('/scrobble/pause', { body: { episode: { ids: { trakt: 3002 } }, progress: 42.5 } })).json();
    expect(pause).toMatchObject({ action: 'pause', progress: 42.5, episode: { season: 1, number: 2 }, show: { ids: { trakt: 201 } } });

    const playback = await (await h.call('/sync/playback/episodes')).json();
    expect(playback).toEqual([
      expect.objectContaining({ progress: 42.5, type: 'episode', paused_at: new Date(h.clock.now()).toISOString(), episode: expect.objectContaining({ number: 2 }) }),
    ]);
    expect(await (await h.call('/sync/playback/movies')).json()).toEqual([]);
    // Starting again removes the saved progress.
    await h.call('/scrobble/start', { body: { episode: { ids: { trakt: 3002 } }, progress: 42.5 } });
    expect(h.fake.playback('alice')).toEqual([]);
  });

  it('scrobbles at 80% or more with a real history id; below 80 a stop is a pause; below 1% is 422', async () => {
    h = await startHarness();
    const low = await h.call('/scrobble/stop', { body: { ...movie, progress: 0.5 } });
    expect(low.status).toBe(422);
    const half = await (await h.call('/scrobble/stop', { body: { ...movie, progress: 79.9 } })).json();
    expect(half).toMatchObject({ id: 0, action: 'pause' });
    expect(h.fake.playback('alice')).toEqual([expect.objectContaining({ trakt: 101, progress: 79.9 })]);
    expect(h.fake.plays('alice')).toEqual([]);

    const done = await h.call('/scrobble/stop', { body: { ...movie, progress: 80 } });
    expect(done.status).toBe(201);
    const body = await done.json();
    expect(body.action).toBe('scrobble');
    expect(body.id).toBeGreaterThan(0);
    expect(h.fake.plays('alice')).toEqual([expect.objectContaining({ id: body.id, trakt: 101, action: 'scrobble' })]);
    expect(h.fake.playback('alice')).toEqual([]); // a scrobble clears the saved progress
  });

  it('refuses a repeat stop of the same item inside the window with 409, then takes it after', async () => {
    h = await startHarness();
    const body = { show: { title: 'Fixture Show', ids: { tvdb: 80201 } }, episode: { season: 2, number: 1 }, progress: 95 };
    const first = await h.call('/scrobble/stop', { body });
    expect(first.status).toBe(201);
    const watchedAt = new Date(h.clock.now()).toISOString();
    h.clock.advance(30 * 60_000);
    const dup = await h.call('/scrobble/stop', { body });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toEqual({ watched_at: watchedAt, expires_at: new Date(Date.parse(watchedAt) + 3_600_000).toISOString() });
    // Another item is not affected.
    expect((await h.call('/scrobble/stop', { body: { episode: { ids: { trakt: 3001 } }, progress: 90 } })).status).toBe(201);
    h.clock.advance(30 * 60_000);
    expect((await h.call('/scrobble/stop', { body })).status).toBe(201);
    expect(h.fake.plays('alice').filter((p) => p.trakt === 3004)).toHaveLength(2);
  });

  it('honours a configured window and answers 404 for unknown items', async () => {
    h = await startHarness({ scrobbleWindowSec: 60 });
    await h.call('/scrobble/stop', { body: { ...movie, progress: 100 } });
    h.clock.advance(61_000);
    expect((await h.call('/scrobble/stop', { body: { ...movie, progress: 100 } })).status).toBe(201);
    const unknown = await h.call('/scrobble/start', { body: { movie: { ids: { imdb: 'tt0000000' } }, progress: 10 } });
    expect(unknown.status).toBe(404);
    const unknownEpisode = await h.call('/scrobble/start', { body: { show: { ids: { trakt: 201 } }, episode: { season: 9, number: 9 }, progress: 10 } });
    expect(unknownEpisode.status).toBe(404);
  });

  it('deletes playback progress by id (204, then 404)', async () => {
    h = await startHarness();
    await h.call('/scrobble/pause', { body: { ...movie, progress: 30 } });
    const [p] = await (await h.call('/sync/playback')).json();
    expect(p).toMatchObject({ type: 'movie', progress: 30, id: expect.any(Number) });
    const del = await h.call(`/sync/playback/${p.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await h.call(`/sync/playback/${p.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
