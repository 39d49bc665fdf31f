import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TmdbFake } from './fake.js';
import { dimensions } from './images.js';
import { colourFor, PNG_SIGNATURE, pngSize, posterPng } from './png.js';
import { fixtureFake } from './test-support.js';
import { inflateSync } from 'node:zlib';

describe('TMDB emulator: images', () => {
  let fake: TmdbFake;
  beforeAll(async () => {
    fake = await fixtureFake();
  });
  afterAll(() => fake.stop());

  it('serves a valid PNG sized by the size key, with cache headers, and 304 on a matching ETag', async () => {
    const res = await fetch(`${fake.imageBaseUrl}/w154/fixtureClubPoster0000000000.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d{6,}/);
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(png)).toEqual({ width: 154, height: 231 });
    expect(png.toString('ascii', png.length - 8, png.length - 4)).toBe('IEND');
    const again = await fetch(`${fake.imageBaseUrl}/w154/fixtureClubPoster0000000000.jpg`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const original = Buffer.from(await (await fetch(`${fake.imageBaseUrl}/original/other.jpg`)).arrayBuffer());
    expect(pngSize(original)!.width).toBeGreaterThan(780);
  });

  it('colours an image by its file name: the same name the same colour, another name another', () => {
    const decode = (png: Buffer) => {
      const idat = png.indexOf('IDAT');
      const len = png.readUInt32BE(idat - 4);
      const raw = inflateSync(png.subarray(idat + 4, idat + 4 + len));
      return [...raw.subarray(1, 4)];
    };
    const a = posterPng(92, 138, colourFor('/aaa.jpg'));
    expect(decode(a)).toEqual(colourFor('/aaa.jpg'));
    expect(colourFor('/aaa.jpg')).toEqual(colourFor('/aaa.jpg'));
    expect(colourFor('/aaa.jpg')).not.toEqual(colourFor('/bbb.jpg'));
  });

  it('answers unknown sizes and odd file names with 404', async () => {
    expect((await fetch(`${fake.imageBaseUrl}/w999/a.jpg`)).status).toBe(404);
    expect((await fetch(`${fake.imageBaseUrl}/w92/..%2Fsecret.jpg`)).status).toBe(404);
    expect((await fetch(`${fake.imageBaseUrl}/w92/a.jpg/x`)).status).toBe(404);
    expect(dimensions('h632')).toEqual([421, 632]);
    expect(dimensions('nope')).toBeUndefined();
  });
});
