import { afterEach, describe, expect, it } from 'vitest';
import type { TmdbFake } from './fake.js';
import { DEFAULT_RATE_LIMIT } from './gate.js';
import { fixtureFake, get } from './test-support.js';

describe('TMDB emulator: rate limit', () => {
  let fake: TmdbFake | undefined;
  let now = 1_000_000;
  afterEach(() => fake?.stop());

  it('defaults to about 40 requests a second', () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ limit: 40, windowMs: 1_000 });
  });

  it('answers 429 with status_code 25 and Retry-After past the limit, and lets requests through again after the window', async () => {
    fake = await fixtureFake({ rateLimit: { limit: 3, windowMs: 1_000 }, now: () => now });
    for (let i = 0; i < 3; i++) expect((await get(fake, '/movie/550')).status).toBe(200);
    const res = await get(fake, '/movie/550');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ success: false, status_code: 25, status_message: 'Your request count (4) is over the allowed limit of (3).' });
    expect(fake.limiter.rejected).toBe(1);
    now += 1_001;
    expect((await get(fake, '/movie/550')).status).toBe(200);
  });

  it('does not limit the image host, and can be changed or switched off over /__control', async () => {
    fake = await fixtureFake({ rateLimit: { limit: 1, windowMs: 60_000 }, now: () => now });
    expect((await get(fake, '/configuration')).status).toBe(200);
    expect((await get(fake, '/configuration')).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await fetch(`${fake.imageBaseUrl}/w92/a.jpg`)).status).toBe(200);
    await fetch(`${fake.origin}/__control/rate-limit`, { method: 'POST', body: JSON.stringify({ off: true }) });
    for (let i = 0; i < 5; i++) expect((await get(fake, '/configuration')).status).toBe(200);
  });
});
