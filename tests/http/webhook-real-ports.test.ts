/**
 * Webhooks through the production wiring end to end: the real service (startService) with
 * PLEX_URL/PLEX_TOKEN on the Plex emulator and a Trakt account connected on the Trakt
 * emulator, no test ports. The worker's Plex side is src/scrobble/wiring.ts →
 * src/plex/ports.ts → the real server client, so the server filter, the library selection
 * (ticked in Settings over HTTP), the live position (/status/sessions) and the show-id
 * lookup (/library/metadata) all travel over HTTP to the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { WebhookEventRow } from '../../src/db/tables/webhooks.js';
import { startService, type ServiceHandle } from '../../src/main.js';
import { edgeItems, isEdgeKey, type Library } from '../fakes/library/index.js';
import { buildWebhookPayload, sendEvent, sendWebhook, type PlexFakes, type SendResult } from '../fakes/plex/index.js';
import type { TraktFake } from '../fakes/trakt/index.js';
import { settled } from '../fixtures/webhooks/service.js';
import { FormClient } from '../helpers/browser-client.js';
import { LogCapture } from '../helpers/context.js';
import { startRealPortsWorld } from '../helpers/real-ports-world.js';

const PASSWORD = 'real-ports-admin-password';
let lib: Library;
let plex: PlexFakes;
let trakt: TraktFake;
let service: ServiceHandle;
let hookUrl: string;
let owner: string;
const logs = new LogCapture();

beforeAll(async () => {
  let env: Record<string, string>;
  ({ lib, owner, trakt, plex, env } = await startRealPortsWorld({ seed: 4242, movies: 60, shows: 16, episodesPerShow: [4, 6] }, PASSWORD));
  service = await startService(loadConfig(env), { logSink: logs });
  hookUrl = `${service.url}/webhooks/plex/${service.deps.secrets.webhookSecret()}`;
}, 60_000);

afterAll(async () => {
  await service?.close();
  await Promise.allSettled([plex?.stop(), trakt?.stop()]);
});

async function stored(res: SendResult, timeoutMs = 15_000): Promise<WebhookEventRow> {
  expect(res.status).toBe(200);
  return settled(service, (JSON.parse(res.body) as { id: number }).id, timeoutMs);
}

/** Requests the Plex emulator received for exactly this path (no query). */
const plexHits = (path: string) => plex.pms.server.requests.filter((r) => r.path === path).length;
const plexHitsSince = (mark: number, path: string) => plex.pms.server.requests.slice(mark).filter((r) => r.path === path).length;
const traktBodies = (path: string, mark = 0) => trakt.server.requests.slice(mark).filter((r) => r.method === 'POST' && r.path === path).map((r) => JSON.parse(r.body) as Record<string, any>);

/** An ordinary movie of one section only, known to Trakt, that nobody has watched on Trakt. */
function plainMovie(sectionId: number, skip: Set<string> = new Set()) {
  const m = lib.movies.find(
    (x) => !skip.has(x.key) && x.agent === 'modern' && !isEdgeKey(x.key) && x.traktId !== null && x.sectionIds.length === 1 && x.sectionIds[0] === sectionId && x.trakt.plays.length === 0,
  );
  if (!m) throw new Error(`no plain movie in section ${sectionId}`);
  return m;
}

describe('webhooks through the production Plex ports', () => {
  it('an event from another Plex server (different Server.uuid) is ignored with its reason and sends nothing', async () => {
    const movie = plainMovie(lib.sections[0]!.id);
    const payload = buildWebhookPayload(plex.pms, { event: 'media.scrobble', ref: movie.key });
    payload.Server = { title: 'Neighbour’s Plex', uuid: '0000aaaa1111bbbb2222cccc3333dddd4444eeee' };
    const traktMark = trakt.server.requests.length;
    const row = await stored(await sendWebhook(hookUrl, payload));
    expect(row.status).toBe('ignored');
    expect(row.reason).toBe('From the Plex server "Neighbour’s Plex", not the connected one.');
    expect(trakt.server.requests.slice(traktMark).filter((r) => r.method === 'POST')).toEqual([]);
    // The connected server's identity came from the emulator itself (PLEX_URL), not from a test port.
    expect(plex.pms.server.requests.some((r) => r.path === '/identity' || r.path === '/')).toBe(true);

    // The same event from the connected server is sent: the filter is the server, not the item.
    const ok = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: movie.key }));
    expect(ok.status).toBe('sent');
    expect(trakt.plays(owner).filter((p) => p.type === 'movie' && p.trakt === movie.traktId)).toHaveLength(1);
  });

  it('an event from a library unticked in Settings is ignored; a ticked library still scrobbles', async () => {
    const [movies1, movies2] = lib.sections.filter((s) => s.type === 'movie');
    expect(movies2).toBeDefined();
    // Untick the second movie library the way a person does: Settings → Plex → libraries → Save.
    const http = new FormClient({ request: (p, init) => fetch(p, init) }, service.url);
    await http.get('/login');
    const login = await http.post('/login', { password: PASSWORD });
    expect([302, 303]).toContain(login.status);
    await http.get('/settings');
    const form: Record<string, string> = {};
    for (const s of lib.sections) if (s.id !== movies2!.id) form[`section:${s.id}`] = '1';
    const saved = await (await http.post('/settings/plex/libraries/save', form, { headers: { 'hx-request': 'true' } })).text();
    expect(saved).toContain(`Saved: ${lib.sections.length - 1} of ${lib.sections.length} libraries are synced.`);

    const inUnticked = plex.pms.store.list(movies2!.id, 1)[0];
    expect(inUnticked).toBeDefined();
    const traktMark = trakt.server.requests.length;
    const row = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: inUnticked!.ratingKey }));
    expect(row.status).toBe('ignored');
    expect(row.reason).toBe(`The library "${movies2!.title}" is not selected for syncing.`);
    expect(trakt.server.requests.slice(traktMark).filter((r) => r.method === 'POST')).toEqual([]);

    const used = new Set(trakt.plays(owner).filter((p) => p.type === 'movie').map((p) => String(p.trakt)));
    const ticked = plainMovie(movies1!.id, new Set(lib.movies.filter((m) => used.has(String(m.traktId))).map((m) => m.key)));
    const ok = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: ticked.key }));
    expect(ok.status).toBe('sent');
    expect(trakt.plays(owner).filter((p) => p.type === 'movie' && p.trakt === ticked.traktId)).toHaveLength(1);
  });

  it('media.play without viewOffset takes its progress from the server’s /status/sessions', async () => {
    const played = new Set(trakt.plays(owner).map((p) => p.trakt));
    const movie = plainMovie(lib.sections[0]!.id, new Set(lib.movies.filter((m) => played.has(m.traktId!)).map((m) => m.key)));
    const rk = plex.pms.ratingKeyOf(movie.key);
    const offset = Math.round(movie.durationMs * 0.37);
    plex.pms.setSession({ ref: rk, viewOffsetMs: offset, state: 'playing' });
    try {
      const payload = buildWebhookPayload(plex.pms, { event: 'media.play', ref: rk, viewOffsetMs: null });
      expect((payload.Metadata as Record<string, unknown>).viewOffset).toBeUndefined(); // Plex did not say
      const sessionsBefore = plexHits('/status/sessions');
      const traktMark = trakt.server.requests.length;
      const row = await stored(await sendWebhook(hookUrl, payload));
      expect(row.status).toBe('sent');
      expect(plexHits('/status/sessions')).toBeGreaterThan(sessionsBefore);
      const starts = traktBodies('/scrobble/start', traktMark);
      expect(starts).toHaveLength(1);
      expect(starts[0]!.progress).toBeCloseTo(37, 0);
      // What Trakt now shows as watching: this movie at 37 %.
      const watching = trakt.user(owner).watching;
      expect(watching?.item.trakt).toBe(movie.traktId);
      expect(watching?.progress).toBeCloseTo(37, 0);
    } finally {
      plex.pms.clearSessions();
    }
  });

  it('a legacy-agent (thetvdb) episode is identified by the show id and numbers in its guid', async () => {
    const show = edgeItems(lib).shows.legacyTvdb!;
    expect(show.agent).toBe('legacy-tvdb');
    const ep = show.episodes.find((e) => e.traktId !== null && e.trakt.plays.length === 0) ?? show.episodes.find((e) => e.traktId !== null)!;
    const rk = plex.pms.ratingKeyOf(ep.key);
    const showRk = plex.pms.ratingKeyOf(show.key);
    const payload = buildWebhookPayload(plex.pms, { event: 'media.scrobble', ref: rk });
    expect((payload.Metadata as { guid: string }).guid).toBe(`com.plexapp.agents.thetvdb://${show.ids.tvdb}/${ep.season}/${ep.number}?lang=en`);
    const mark = plex.pms.server.requests.length;
    const before = trakt.plays(owner).filter((p) => p.trakt === ep.traktId).length;
    const row = await stored(await sendWebhook(hookUrl, payload));
    expect(row.status).toBe('sent');
    expect(trakt.plays(owner).filter((p) => p.type === 'episode' && p.trakt === ep.traktId)).toHaveLength(before + 1);
    // The guid already names the show: the server is not asked.
    expect(plexHitsSince(mark, `/library/metadata/${showRk}`)).toBe(0);
  });

  it('an episode without ids of its own is identified by its show’s ids, fetched from the Plex server once', async () => {
    // A modern-agent show whose episodes come without Guid[] (not matched yet): the show's ids are needed.
    const show = lib.shows.find((s) => s.agent === 'modern' && !isEdgeKey(s.key) && s.traktId !== null && s.episodes.filter((e) => e.traktId !== null).length >= 2)!;
    expect(show).toBeDefined();
    const eps = show.episodes.filter((e) => e.traktId !== null).slice(0, 2);
    const showRk = plex.pms.ratingKeyOf(show.key);
    expect(plexHits(`/library/metadata/${showRk}`)).toBe(0);
    for (const ep of eps) {
      const before = trakt.plays(owner).filter((p) => p.type === 'episode' && p.trakt === ep.traktId).length;
      const row = await stored(await sendEvent(hookUrl, plex.pms, { event: 'media.scrobble', ref: ep.key, metadata: { Guid: [] } }));
      expect(row.status, row.reason ?? '').toBe('sent');
      expect(trakt.plays(owner).filter((p) => p.type === 'episode' && p.trakt === ep.traktId)).toHaveLength(before + 1);
    }
    // Two episodes of one show, one request for the show's ids (the worker keeps them).
    expect(plexHits(`/library/metadata/${showRk}`)).toBe(1);
    expect(logs.text()).not.toContain(plex.pms.tokenFor());
  });
});
