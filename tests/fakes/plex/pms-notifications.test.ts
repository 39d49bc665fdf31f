/** The emulated `/:/websockets/notifications`: the owner's token only, real frame shapes, sessions in step, a drop. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
const SAM = 5_551_234;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.fakes.stop());

const wsUrl = () => `${h.fakes.pms.url.replace('http', 'ws')}/:/websockets/notifications`;

/** Opens a socket; resolves with the HTTP status of a refusal, or the open socket and the frames it gets. */
function open(headers: Record<string, string>, query = ''): Promise<{ status: number; ws?: WebSocket; frames: any[] }> {
  return new Promise((resolve) => {
    const frames: any[] = [];
    const ws = new WebSocket(wsUrl() + query, { headers });
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    ws.on('unexpected-response', (_q, res) => {
      resolve({ status: res.statusCode ?? 0, frames });
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('open', () => resolve({ status: 101, ws, frames }));
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('/:/websockets/notifications', () => {
  it('takes the owner’s token (header or query) and refuses a wrong one with 401 and another account with 403', async () => {
    expect((await open({ 'X-Plex-Token': 'wrong' })).status).toBe(401);
    expect((await open({})).status).toBe(401);
    expect((await open({ 'X-Plex-Token': h.fakes.pms.tokenFor(SAM) })).status).toBe(403);
    const byQuery = await open({}, `?X-Plex-Token=${h.fakes.pms.tokenFor()}`);
    expect(byQuery.status).toBe(101);
    byQuery.ws!.close();
  });

  it('tells a play as a real server does: buffering, playing, paused, stopped after the session left /status/sessions, with noise around', async () => {
    const { ws, frames } = await open({ 'X-Plex-Token': h.fakes.pms.tokenFor() });
    await until(() => h.fakes.pms.notifications.connected > 0, 'the socket');
    const viewsBefore = h.fakes.pms.stateOf('movie-1').viewCount;
    const play = h.fakes.pms.livePlay('movie-1');
    await play.start(0);
    await play.playing(play.at(40));
    const listed = (await (await h.pms('/status/sessions')).json()).MediaContainer.Metadata;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ sessionKey: play.key, ratingKey: play.ratingKey, User: { id: '1' }, Player: { state: 'playing' } });
    await play.pause(play.at(41));
    await play.stop(play.at(95));
    expect((await (await h.pms('/status/sessions')).json()).MediaContainer.size).toBe(0);
    await until(() => frames.filter((f) => f.NotificationContainer.type === 'playing').length === 5, 'five play frames');
    const states = frames.filter((f) => f.NotificationContainer.type === 'playing').map((f) => f.NotificationContainer.PlaySessionStateNotification[0].state);
    expect(states).toEqual(['buffering', 'playing', 'playing', 'paused', 'stopped']);
    const first = frames.find((f) => f.NotificationContainer.type === 'playing').NotificationContainer;
    expect(first).toMatchObject({ size: 1, PlaySessionStateNotification: [{ sessionKey: play.key, ratingKey: play.ratingKey, key: `/library/metadata/${play.ratingKey}`, viewOffset: 0 }] });
    expect(first.PlaySessionStateNotification[0].duration).toBeUndefined(); // no duration, no user: ask the server
    expect(new Set(frames.map((f) => f.NotificationContainer.type))).toEqual(new Set(['playing', 'timeline', 'activity', 'transcodeSession.update']));
    // Plex marked it watched past 90 %.
    expect(h.fakes.pms.stateOf('movie-1').viewCount).toBe(viewsBefore + 1);
    ws!.close();
  });

  it('drop() cuts every socket without a close frame; refuseNext() answers the next upgrades with 503', async () => {
    const { ws } = await open({ 'X-Plex-Token': h.fakes.pms.tokenFor() });
    const closed = new Promise<number>((r) => ws!.on('close', (code) => r(code)));
    h.fakes.pms.notifications.drop();
    expect(await closed).toBe(1006);
    h.fakes.pms.notifications.refuseNext(1);
    expect((await open({ 'X-Plex-Token': h.fakes.pms.tokenFor() })).status).toBe(503);
    const again = await open({ 'X-Plex-Token': h.fakes.pms.tokenFor() });
    expect(again.status).toBe(101);
    again.ws!.close();
  });

  it('POST /__control/live drives a play from another process (the demo): steps by percent, to the end', async () => {
    const { ws, frames } = await open({ 'X-Plex-Token': h.fakes.pms.tokenFor() });
    await until(() => h.fakes.pms.notifications.connected > 0, 'the socket');
    const control = (body: unknown) => fetch(`${h.fakes.pms.server.url}/__control/live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const started = await control({ ref: 'show-1-s01e03', step: 'start', percent: 10 });
    expect(started.status).toBe(200);
    const { sessionKey } = (await started.json()) as { sessionKey: string };
    expect((await control({ ref: 'show-1-s01e03', step: 'pause', percent: 20 })).status).toBe(200);
    expect((await control({ ref: 'show-1-s01e03', step: 'stop', percent: 20 })).status).toBe(200);
    expect((await control({ ref: 'show-1-s01e03', step: 'dance' })).status).toBe(400);
    await until(() => frames.filter((f) => f.NotificationContainer.type === 'playing').length >= 4, 'the frames');
    const plays = frames.filter((f) => f.NotificationContainer.type === 'playing').map((f) => f.NotificationContainer.PlaySessionStateNotification[0]);
    expect(plays.map((p) => [p.sessionKey, p.state])).toEqual([
      [sessionKey, 'buffering'],
      [sessionKey, 'playing'],
      [sessionKey, 'paused'],
      [sessionKey, 'stopped'],
    ]);
    expect(plays[2].viewOffset).toBe(Math.round(1_500_000 * 0.2));
    ws!.close();
  });
});
