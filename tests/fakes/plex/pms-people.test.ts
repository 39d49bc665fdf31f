/**
 * The household against the server emulator: the tokens plex.tv hands out (a Home user's after
 * the switch, a friend's from shared_servers) read and write that person's own watched state and
 * ratings, in listings (with media queries), metadata, scrobble, rate and webhooks, as a real
 * server does; the owner's stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWebhook } from './pms-control.js';
import { fetchJson, startHarness, type Harness } from './test-support.js';

let h: Harness;
const KID = 5_001_000;
const PAL = 6_001_000;
const ID = 'identifier=com.plexapp.plugins.library';
beforeAll(async () => {
  h = await startHarness();
  h.fakes.accounts.upsert({ id: KID, username: 'kid', kind: 'home', pin: '1357' });
  h.fakes.accounts.upsert({ id: PAL, username: 'pal', kind: 'friend' });
});
afterAll(() => h.fakes.stop());

async function tokensFromPlexTv(): Promise<{ kid: string; pal: string }> {
  const headers = { accept: 'application/json', 'x-plex-token': h.fakes.accounts.owner.userToken };
  const kid = h.fakes.accounts.get(KID);
  const { authToken } = await (await fetchJson(`${h.fakes.tvUrl}/api/v2/home/users/${kid.uuid}/switch?pin=1357`, { method: 'POST', headers })).json();
  const resources = await (await fetchJson(`${h.fakes.tvUrl}/api/v2/resources`, { headers: { accept: 'application/json', 'x-plex-token': authToken } })).json();
  const kidToken = resources.find((r: any) => r.provides.includes('server')).accessToken as string;
  const xml = await (await fetch(`${h.fakes.tvUrl}/api/servers/${h.fakes.pms.machineIdentifier}/shared_servers`, { headers: { 'x-plex-token': h.fakes.accounts.owner.userToken } })).text();
  const pal = h.fakes.accounts.get(PAL);
  const palToken = new RegExp(`userID="${pal.plexTvId}" accessToken="([^"]+)"`).exec(xml)![1]!;
  return { kid: kidToken, pal: palToken };
}

describe('watch state per person, by the token plex.tv handed out', () => {
  it('listings, media queries, metadata, scrobble, rate and webhooks each use the token’s own account', async () => {
    const tokens = await tokensFromPlexTv();
    const rk = (k: string) => h.fakes.pms.ratingKeyOf(k);
    const movies = (await (await h.pms('/library/sections')).json()).MediaContainer.Directory.filter((d: any) => d.type === 'movie').map((d: any) => d.key);
    h.clock.advance(120_000);
    const since = Math.floor(h.clock.now() / 1000) - 1;
    expect((await h.pms(`/:/scrobble?key=${rk('movie-5')}&${ID}`, { method: 'PUT', token: tokens.kid })).status).toBe(200);
    expect((await h.pms(`/:/rate?key=${rk('movie-6')}&rating=8&${ID}`, { method: 'PUT', token: tokens.pal })).status).toBe(200);
    await emitWebhook(h.fakes.pms, { event: 'media.scrobble', ref: 'movie-4', accountId: PAL }, { urls: [] });

    const watchedSince = async (token: string | undefined) =>
      (
        await Promise.all(
          movies.map(async (s: string) => ((await (await h.pms(`/library/sections/${s}/all?type=1&lastViewedAt%3E%3E=${since}`, token ? { token } : {})).json()).MediaContainer.Metadata ?? []).map((m: any) => m.ratingKey)),
        )
      ).flat();
    expect(await watchedSince(tokens.kid)).toEqual([rk('movie-5')]);
    expect(await watchedSince(tokens.pal)).toEqual([rk('movie-4')]);
    expect(await watchedSince(undefined)).toEqual([]);
    const meta = async (key: string, token?: string) => (await (await h.pms(`/library/metadata/${key}`, token ? { token } : {})).json()).MediaContainer.Metadata[0];
    expect((await meta(rk('movie-6'), tokens.pal)).userRating).toBe(8);
    expect((await meta(rk('movie-6'), tokens.kid)).userRating).toBeUndefined();
    expect((await meta(rk('movie-5'), tokens.pal)).viewCount).toBeUndefined();
    // The owner's state of these items is as it was.
    expect((await meta(rk('movie-5'))).lastViewedAt ?? 0).toBeLessThan(since);
    expect((await meta(rk('movie-4'))).lastViewedAt ?? 0).toBeLessThan(since);
    expect((await meta(rk('movie-6'))).userRating).not.toBe(8);
  });
});
