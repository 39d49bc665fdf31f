import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlexGuids } from '../../src/plex/guid.js';
import { parsePlexWebhook, webhookFiles, WebhookPayloadError } from '../../src/plex/webhook-payload.js';

const dir = path.join(import.meta.dirname, '../fixtures/plex');
const fixture = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('parsePlexWebhook on real-shaped payloads', () => {
  it('reads a modern-agent movie scrobble', () => {
    const p = parsePlexWebhook(fixture('webhook-scrobble-movie-modern.json'));
    expect(p.event).toBe('media.scrobble');
    expect(p.Account).toMatchObject({ id: 1, title: 'plex-owner' });
    expect(p.Server?.uuid).toBe('3f9c2b7e1d0a4c8e9b6f5a4d3c2b1a09f8e7d6c5');
    expect(p.Player).toMatchObject({ local: true, title: 'Apple TV' });
    expect(p.Metadata).toMatchObject({ type: 'movie', ratingKey: '1201', year: 1999, duration: 8160000, viewOffset: 7920000, librarySectionID: '1' });
    expect(webhookFiles(p.Metadata)).toEqual(['/media/movies/The Matrix (1999)/The Matrix (1999).mkv']);
    expect(parsePlexGuids(p.Metadata!).ids).toEqual({ imdb: 'tt0133093', tmdb: 603, tvdb: 169 });
    // Fields we do not read pass through.
    expect((p.Metadata as Record<string, unknown>).studio).toBe('Warner Bros.');
  });

  it('reads a modern-agent episode with its own ids', () => {
    const p = parsePlexWebhook(fixture('webhook-play-episode-modern.json'));
    expect(p.Metadata).toMatchObject({ type: 'episode', grandparentTitle: 'Breaking Bad', grandparentRatingKey: '5388', parentIndex: 1, index: 2 });
    expect(parsePlexGuids(p.Metadata!)).toMatchObject({ ids: { tvdb: 349233 }, agent: 'plex' });
  });

  it('reads a legacy imdb movie and a legacy tvdb episode (numbers as strings too)', () => {
    const movie = parsePlexWebhook(fixture('webhook-stop-movie-legacy-imdb.json'));
    expect(parsePlexGuids(movie.Metadata!).ids).toEqual({ imdb: 'tt0062622' });
    const ep = parsePlexWebhook(fixture('webhook-pause-episode-legacy-tvdb.json'));
    expect(ep.Account?.id).toBe(12345678);
    expect(ep.Metadata?.librarySectionID).toBe('3');
    expect(parsePlexGuids(ep.Metadata!)).toMatchObject({ showIds: { tvdb: 79168 }, season: 3, episode: 7 });
  });

  it('reads the rating of media.rate and a music track (unsupported ids)', () => {
    expect(parsePlexWebhook(fixture('webhook-rate-movie-modern.json')).rating).toBe(8);
    const track = parsePlexWebhook(fixture('webhook-play-track-music.json'));
    expect(track.Metadata?.type).toBe('track');
    expect(parsePlexGuids(track.Metadata!).unmatchedReason).toBeTruthy();
  });

  it('accepts numeric strings and 0/1 flags, and an event alone', () => {
    const p = parsePlexWebhook({ event: 'media.resume', owner: 1, user: 0, Metadata: { ratingKey: 42, viewOffset: '1000', duration: '2000' } });
    expect(p).toMatchObject({ owner: true, user: false, Metadata: { ratingKey: '42', viewOffset: 1000, duration: 2000 } });
    expect(parsePlexWebhook('{"event":"admin.database.backup"}').event).toBe('admin.database.backup');
  });
});

describe('parsePlexWebhook rejects what it cannot use, with a sentence', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{"event":', /not valid JSON/],
    ['an array', '[1,2]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['no event', { Metadata: {} }, /"event"/],
    ['empty event', { event: '  ' }, /"event" is invalid/],
    ['event not a string', { event: 5 }, /"event" is invalid/],
    ['viewOffset not a number', { event: 'media.play', Metadata: { viewOffset: 'soon' } }, /"Metadata\.viewOffset"/],
    ['Guid not a list', { event: 'media.play', Metadata: { Guid: 'imdb://tt1' } }, /"Metadata\.Guid"/],
    ['Account.id an object', { event: 'media.play', Account: { id: {} } }, /"Account\.id"/],
    ['empty ratingKey', { event: 'media.play', Metadata: { ratingKey: '' } }, /"Metadata\.ratingKey"/],
  ];
  it.each(bad)('%s', (_name, input, message) => {
    expect(() => parsePlexWebhook(input)).toThrow(WebhookPayloadError);
    expect(() => parsePlexWebhook(input)).toThrow(message);
  });
});
