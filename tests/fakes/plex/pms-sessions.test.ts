import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.js';

let h: Harness;
const SAM = 5_551_234;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.fakes.stop());

describe('/status/sessions', () => {
  it('is empty until a session is set, then shows the item, position, user and player', async () => {
    const empty = (await (await h.pms('/status/sessions')).json()).MediaContainer;
    expect(empty).toEqual({ size: 0 });

    const s1 = h.fakes.pms.setSession({ ref: 'show-1-s01e03', viewOffsetMs: 750_000, state: 'paused' });
    h.fakes.pms.setSession({ ref: 'movie-1', accountId: SAM, viewOffsetMs: 10_000, player: { title: 'Sam\'s iPad', uuid: 'ipad-1', local: false } });
    const mc = (await (await h.pms('/status/sessions')).json()).MediaContainer;
    expect(mc.size).toBe(2);
    const [ep, movie] = mc.Metadata;
    expect(ep).toMatchObject({
      type: 'episode',
      ratingKey: h.fakes.pms.ratingKeyOf('show-1-s01e03'),
      grandparentTitle: 'The Modern Show',
      sessionKey: s1.sessionKey,
      viewOffset: 750_000,
      duration: 1_500_000,
      librarySectionID: 2,
      User: { id: '1', title: 'owner-pat' },
      Player: { state: 'paused', title: 'Living Room TV', local: true },
      Session: { location: 'lan' },
    });
    expect(movie).toMatchObject({ type: 'movie', viewOffset: 10_000, User: { id: String(SAM), title: 'kid-sam' }, Player: { title: "Sam's iPad", machineIdentifier: 'ipad-1', state: 'playing', local: false } });
  });

  it('updates a session of the same account and item instead of adding one', async () => {
    const again = h.fakes.pms.setSession({ ref: 'show-1-s01e03', viewOffsetMs: 800_000, state: 'playing' });
    const mc = (await (await h.pms('/status/sessions')).json()).MediaContainer;
    expect(mc.size).toBe(2);
    expect(mc.Metadata.find((m: any) => m.sessionKey === again.sessionKey)).toMatchObject({ viewOffset: 800_000, Player: { state: 'playing' } });
  });

  it('renders XML with Video entries by default', async () => {
    const xml = await (await h.pms('/status/sessions', { json: false })).text();
    expect(xml).toMatch(/<MediaContainer size="2"><Video [^>]*sessionKey="\d+"/);
    expect(xml).toMatch(/<User id="1"[^>]*title="owner-pat"\/>/);
  });

  it('refuses accounts other than the owner', async () => {
    expect((await h.pms('/status/sessions', { token: h.fakes.pms.tokenFor(SAM) })).status).toBe(401);
  });

  it('ends sessions from code and over /__control', async () => {
    const [first] = h.fakes.pms.sessions.all();
    h.fakes.pms.clearSessions(first!.sessionKey);
    expect((await (await h.pms('/status/sessions')).json()).MediaContainer.size).toBe(1);
    const res = await fetch(`${h.fakes.pmsUrl}/__control/clear-sessions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect((await (await h.pms('/status/sessions')).json()).MediaContainer.size).toBe(0);
    const set = await fetch(`${h.fakes.pmsUrl}/__control/set-session`, { method: 'POST', body: JSON.stringify({ ref: 'movie-2', viewOffsetMs: 5 }) });
    expect(((await set.json()) as any).ratingKey).toBe(h.fakes.pms.ratingKeyOf('movie-2'));
    expect((await (await h.pms('/status/sessions')).json()).MediaContainer.Metadata[0].viewOffset).toBe(5);
  });

  it('moves a playing session on at playbackRate (a paused one stays), never past the end', async () => {
    const pms = h.fakes.pms;
    pms.clearSessions();
    pms.sessions.playbackRate = 60;
    try {
      const playing = pms.setSession({ ref: 'show-1-s01e03', viewOffsetMs: 60_000, state: 'playing' });
      const paused = pms.setSession({ ref: 'movie-1', viewOffsetMs: 60_000, state: 'paused' });
      h.clock.advance(10_000);
      const at = async (key: string) => ((await (await h.pms('/status/sessions')).json()).MediaContainer.Metadata as any[]).find((m) => m.sessionKey === key).viewOffset;
      expect(await at(playing.sessionKey)).toBe(660_000);
      expect(await at(paused.sessionKey)).toBe(60_000);
      // Pausing keeps the position reached; the next webhook's position wins over the estimate.
      pms.setSession({ ref: 'show-1-s01e03', state: 'paused' });
      h.clock.advance(10_000);
      expect(await at(playing.sessionKey)).toBe(660_000);
      pms.setSession({ ref: 'show-1-s01e03', state: 'playing', viewOffsetMs: 700_000 });
      h.clock.advance(3_600_000);
      expect(await at(playing.sessionKey)).toBe(1_500_000); // the episode's duration
    } finally {
      pms.sessions.playbackRate = 0;
      pms.clearSessions();
    }
  });
});
