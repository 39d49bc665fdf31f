import http from 'node:http';
import type { AddressInfo } from 'node:net';
import multer from 'multer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jpegSize } from './jpeg.js';
import { emitWebhook } from './pms-control.js';
import { startHarness, type Harness } from './test-support.js';
import { buildWebhookPayload } from './webhook-payload.js';
import { encodeWebhook, sendEvent, sendWebhook } from './webhook-sender.js';

/** What the tiny receiver saw: headers, multer's fields and files (or the raw JSON), or multer's error. */
interface Received {
  headers: http.IncomingHttpHeaders;
  fields: Record<string, string>;
  files: Array<{ fieldname: string; mimetype: string; originalname: string; buffer: Buffer }>;
  raw?: string;
  error?: string;
}

let h: Harness;
let receiver: http.Server;
let url = '';
let got: Received[] = [];
const SAM = 5_551_234;
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1_000_000 } }).any();

beforeAll(async () => {
  h = await startHarness();
  receiver = http.createServer((req, res) => {
    const entry: Received = { headers: req.headers, fields: {}, files: [] };
    got.push(entry);
    if (!String(req.headers['content-type']).startsWith('multipart/')) {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        entry.raw = raw;
        res.end('ok');
      });
      return;
    }
    const r = req as http.IncomingMessage & { body?: Record<string, string>; files?: Received['files'] };
    upload(r as any, res as any, (err: unknown) => {
      if (err) entry.error = err instanceof Error ? err.message : String(err);
      entry.fields = { ...(r.body ?? {}) };
      entry.files = r.files ?? [];
      res.statusCode = err ? 400 : 200;
      res.end(err ? 'bad' : 'ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/plex/secret`;
});
beforeEach(() => {
  got = [];
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await h.fakes.stop();
});

describe('webhook payloads (API.md B.5)', () => {
  it('posts media.play as multipart with a JSON payload part and a JPEG thumb part, like PMS', async () => {
    const res = await sendEvent(url, h.fakes.pms, { event: 'media.play', ref: 'movie-1', viewOffsetMs: 120_000 });
    expect(res.status).toBe(200);
    const [r] = got;
    expect(r!.error).toBeUndefined();
    expect(r!.headers['user-agent']).toMatch(/^PlexMediaServer\/1\.41\./);
    expect(r!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=-+[0-9a-f]{16}$/);
    const payload = JSON.parse(r!.fields.payload!);
    expect(payload).toMatchObject({
      event: 'media.play',
      user: true,
      owner: true,
      Account: { id: 1, title: 'owner-pat', thumb: expect.stringMatching(/^https:/) },
      Server: { title: 'Test NAS', uuid: 'aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00' },
      Player: { local: true, publicAddress: expect.any(String), title: 'Living Room TV', uuid: expect.any(String) },
      Metadata: {
        librarySectionType: 'movie',
        ratingKey: h.fakes.pms.ratingKeyOf('movie-1'),
        key: `/library/metadata/${h.fakes.pms.ratingKeyOf('movie-1')}`,
        type: 'movie',
        title: 'The Matrix',
        librarySectionID: 1,
        librarySectionTitle: 'Movies',
        viewOffset: 120_000,
        duration: 6_000_001,
        viewCount: 2,
        Guid: [{ id: 'imdb://tt9000001' }, { id: 'tmdb://70001' }, { id: 'tvdb://80001' }],
      },
    });
    expect(payload.Metadata.guid).toMatch(/^plex:\/\/movie\//);
    expect(payload.Metadata.Media).toBeUndefined();
    expect(payload.rating).toBeUndefined();
    const thumb = r!.files.find((f) => f.fieldname === 'thumb')!;
    expect(thumb.mimetype).toBe('image/jpeg');
    expect(thumb.buffer.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(thumb.buffer.subarray(-2).toString('hex')).toBe('ffd9');
    expect(jpegSize(thumb.buffer)).toEqual({ width: 64, height: 96 });
  });

  it('sends media.scrobble of another account\'s episode without a thumb, with that account\'s id', async () => {
    await sendEvent(url, h.fakes.pms, { event: 'media.scrobble', ref: 'show-1-s01e03', accountId: SAM });
    const [r] = got;
    expect(r!.files).toEqual([]);
    const p = JSON.parse(r!.fields.payload!);
    expect(p).toMatchObject({ event: 'media.scrobble', user: false, owner: true, Account: { id: SAM, title: 'kid-sam' } });
    expect(p.Metadata).toMatchObject({
      librarySectionType: 'show',
      type: 'episode',
      grandparentTitle: 'The Modern Show',
      parentIndex: 1,
      index: 3,
      grandparentRatingKey: h.fakes.pms.ratingKeyOf('show-1'),
      parentRatingKey: h.fakes.pms.ratingKeyOf('show-1:season-1'),
      Guid: [{ id: 'imdb://tt5000103' }, { id: 'tmdb://5000103' }, { id: 'tvdb://5000104' }],
    });
    expect(p.Metadata).not.toHaveProperty('viewOffset'); // no session, no saved position: the service must ask
  });

  it('takes the position from the account\'s session when there is one', () => {
    h.fakes.pms.setSession({ ref: 'show-2-s01e01', accountId: 1, viewOffsetMs: 42_000 });
    const p = buildWebhookPayload(h.fakes.pms, { event: 'media.pause', ref: 'show-2-s01e01' });
    expect((p.Metadata as any).viewOffset).toBe(42_000);
    expect((p.Metadata as any).guid).toBe('com.plexapp.agents.thetvdb://6000002/1/1?lang=en');
    expect((p.Metadata as any).Guid).toBeUndefined(); // legacy agents have none
    h.fakes.pms.clearSessions();
  });

  it('adds the top-level rating to media.rate, with a thumb', async () => {
    await sendEvent(url, h.fakes.pms, { event: 'media.rate', ref: 'movie-4', rating: 8 });
    const p = JSON.parse(got[0]!.fields.payload!);
    expect(p.rating).toBe(8);
    expect(p.Metadata.userRating).toBe(8);
    expect(got[0]!.files.map((f) => f.fieldname)).toEqual(['thumb']);
  });

  it('sends admin events without Metadata', () => {
    const p = buildWebhookPayload(h.fakes.pms, { event: 'admin.database.backup' });
    expect(p).not.toHaveProperty('Metadata');
    expect(p.Server).toEqual({ title: 'Test NAS', uuid: 'aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00' });
  });

  it('can send the payload as plain JSON, as Tautulli does', async () => {
    await sendEvent(url, h.fakes.pms, { event: 'media.stop', ref: 'movie-2' }, { format: 'json' });
    expect(got[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got[0]!.raw!)).toMatchObject({ event: 'media.stop', Metadata: { title: 'Alien' } });
  });
});

describe('corrupted webhooks for fuzz tests', () => {
  const payload = () => buildWebhookPayload(h.fakes.pms, { event: 'media.play', ref: 'movie-1' });

  it('breaks the JSON, drops the payload part, or truncates the body', async () => {
    await sendWebhook(url, payload(), { corrupt: 'invalid-json' });
    expect(() => JSON.parse(got[0]!.fields.payload!)).toThrow();
    await sendWebhook(url, payload(), { corrupt: 'no-payload' });
    expect(got[1]!.fields.payload).toBeUndefined();
    expect(got[1]!.fields.data).toEqual(expect.any(String));
    const truncated = await sendWebhook(url, payload(), { corrupt: 'truncated' });
    expect(truncated.status).toBe(400);
    expect(got[2]!.error).toEqual(expect.any(String));
  });

  it('sends a boundary that does not match, none at all, or no body', async () => {
    expect((await sendWebhook(url, payload(), { corrupt: 'wrong-boundary' })).status).toBe(400);
    expect((await sendWebhook(url, payload(), { corrupt: 'no-boundary' })).status).toBe(400);
    const empty = encodeWebhook(payload(), { corrupt: 'empty' });
    expect(empty.body.length).toBe(0);
    const custom = encodeWebhook(payload(), { corrupt: (e) => ({ ...e, headers: { ...e.headers, 'user-agent': 'x' } }) });
    expect(custom.headers['user-agent']).toBe('x');
  });

  it('reports -1 when nothing answers', async () => {
    expect((await sendWebhook('http://127.0.0.1:1/none', payload())).status).toBe(-1);
  });
});

describe('the server posting its own webhooks', () => {
  it('plays, pauses, scrobbles and stops an item, changing the server state the way Plex does', async () => {
    const post = (event: string, extra: Record<string, unknown> = {}) =>
      fetch(`${h.fakes.pmsUrl}/__control/send-webhook`, { method: 'POST', body: JSON.stringify({ event, ref: 'show-5-s01e01', urls: [url], ...extra }) }).then((r) => r.json() as Promise<any>);
    expect(await post('media.play', { viewOffsetMs: 1000 })).toEqual([{ status: 200, body: 'ok' }]);
    expect(h.fakes.pms.sessions.all()).toEqual([expect.objectContaining({ state: 'playing', viewOffsetMs: 1000 })]);
    await post('media.pause', { viewOffsetMs: 5000 });
    expect(h.fakes.pms.sessions.all()[0]).toMatchObject({ state: 'paused', viewOffsetMs: 5000 });
    await post('media.scrobble');
    expect(h.fakes.pms.stateOf('show-5-s01e01').viewCount).toBe(1);
    await post('media.stop');
    expect(h.fakes.pms.sessions.all()).toEqual([]);
    const events = got.map((g) => JSON.parse(g.fields.payload!));
    expect(events.map((e) => [e.event, e.Metadata.viewOffset])).toEqual([
      ['media.play', 1000],
      ['media.pause', 5000],
      ['media.scrobble', 5000],
      ['media.stop', 5000],
    ]);
    expect(events[2].Metadata.viewCount).toBe(1);
  });

  it('posts to every registered webhook URL', async () => {
    h.fakes.pms.webhookUrls.push(url, `${url}-2`);
    try {
      const results = await emitWebhook(h.fakes.pms, { event: 'library.new', ref: 'movie-6' });
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(got.map((g) => g.headers['content-type'] !== undefined && g.files.length)).toEqual([1, 1]);
    } finally {
      h.fakes.pms.webhookUrls.length = 0;
    }
  });
});
